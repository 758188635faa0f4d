// A hub over three engines, in one process, against one engine alone, side by side in one run: the
// session list (3 × 10,000 sessions through the hub, against one engine's 10,000 read the same way)
// and the export (3 × 100,000 calls merged through the hub, against one engine's 100,000), each over
// real HTTP with the engines' own workbench APIs. Data written straight into each store (bench/store.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { ApiServer } from '../electron/headless/api-server.ts';
import { fmt, summarize, table } from './stats.ts';
import { generate } from './store.ts';

const SHAPE = { episodes: 10_000, perSession: 1, calls: 10 }; // 10,000 sessions, 100,000 calls
const EXPORT = { unlabeled: 'zero', includeLab: false, includeFailed: false, dropRetryOrphans: false, discount: 1 };

interface Node {
  wb: Workbench;
  api: ApiServer;
  dir: string;
  token: string;
}

async function node(name: string, remotes?: Array<{ name: string; url: string; token: string }>): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), `trajscope-bench-hub-${name}-`));
  if (!remotes) generate(dir, SHAPE);
  const token = `bench-${name}-token-0123456789abcdef`;
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'direct', poolSize: 0, remotes })).start();
  const api = new ApiServer(wb, token, join(import.meta.dirname, '../out/renderer'));
  await api.start('127.0.0.1', 0);
  return { wb, api, dir, token };
}

async function post(n: Node, path: string, body: unknown): Promise<{ ms: number; text: string }> {
  const t0 = performance.now();
  const r = await fetch(`${n.api.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${n.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${text.slice(0, 200)}`);
  return { ms: performance.now() - t0, text };
}

/** An export read as it streams (it can be GBs): its time, lines and bytes. */
async function exportTimed(n: Node, body: unknown): Promise<{ ms: number; lines: number; bytes: number }> {
  const t0 = performance.now();
  const r = await fetch(`${n.api.url}/api/export`, {
    method: 'POST',
    headers: { authorization: `Bearer ${n.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 200) throw new Error(`export: ${r.status} ${(await r.text()).slice(0, 200)}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of r.body!) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  return { ms: performance.now() - t0, lines, bytes };
}

/** Every session of one engine read page by page, as the hub reads a remote's. */
async function allSessions(n: Node): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  for (;;) {
    const page = JSON.parse(
      (await post(n, '/api/invoke/sessions:list', { limit: 1000, ...(cursor ? { cursor } : {}) })).text,
    );
    count += page.result.items.length;
    if (!page.result.next) return count;
    cursor = page.result.next;
  }
}

export async function benchHub(): Promise<string> {
  const t0 = performance.now();
  const nodes = [await node('a'), await node('b'), await node('c')];
  const hub = await node(
    'hub',
    nodes.map((n, i) => ({ name: `node-${'abc'[i]}`, url: n.api.url, token: n.token })),
  );
  const seeded = (performance.now() - t0) / 1000;
  try {
    const one: number[] = [];
    const all: number[] = [];
    let listed = 0;
    for (let i = 0; i < 11; i++) {
      const a = performance.now();
      await allSessions(nodes[0]!);
      one.push(performance.now() - a);
      const r = await post(hub, '/api/invoke/sessions:list', {});
      all.push(r.ms);
      listed = JSON.parse(r.text).result.items.length;
    }
    const exportOne: number[] = [];
    const exportAll: number[] = [];
    let merged = { lines: 0, bytes: 0 };
    for (let i = 0; i < 2; i++) {
      exportOne.push((await exportTimed(nodes[0]!, EXPORT)).ms);
      const m = await exportTimed(hub, { ...EXPORT, hosts: 'all' });
      exportAll.push(m.ms);
      merged = m;
    }
    const [o, h] = [summarize(one.slice(1)), summarize(all.slice(1))];
    return [
      `Seeded and started in ${fmt(seeded, 0)} s: three engines of 10,000 sessions (one episode of 10 calls each: ` +
        '100,000 calls an engine), and a hub with the three as its remotes, all in one process, over loopback HTTP.',
      table(
        ['what', 'one engine', 'through the hub', 'hub / one'],
        [
          [`session list (p50 ms; the hub's holds ${listed})`, fmt(o.p50, 0), fmt(h.p50, 0), fmt(h.p50 / o.p50, 2)],
          [
            `export (the faster of 2, ms; merged: ${merged.lines} lines, ${fmt(merged.bytes / 1e9, 2)} GB)`,
            fmt(Math.min(...exportOne), 0),
            fmt(Math.min(...exportAll), 0),
            fmt(Math.min(...exportAll) / Math.min(...exportOne), 2),
          ],
        ],
      ),
    ].join('\n\n');
  } finally {
    for (const n of [hub, ...nodes]) {
      await n.api.stop();
      await n.wb.stop();
      rmSync(n.dir, { recursive: true, force: true });
    }
  }
}
