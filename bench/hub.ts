// A hub over three engines, in one process, against one engine alone, side by side in one run: the
// session list (3 × 10,000 sessions through the hub, against one engine's 10,000 read the same way),
// search (the newest hits of three engines against one's) and the export (3 × 100,000 calls merged
// through the hub, against one engine's 100,000), each over real HTTP with the engines' own APIs.
// Data written straight into each store (bench/store.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { ApiServer } from '../electron/headless/api-server.ts';
import { fmt, summarize, table } from './stats.ts';
import { generate, WORDS } from './store.ts';
import { Store } from '../electron/core/store/store.ts';

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
  if (!remotes) {
    generate(dir, SHAPE);
    // the search index, built by the engine's own indexer
    const store = new Store(dir);
    while (store.search.indexBatch(2000) > 0);
    store.close();
  }
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

/** The `n`th page of a list, each page's `next` passed on. */
async function nth(n: Node, channel: string, body: Record<string, unknown>, pages: number): Promise<void> {
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const r = JSON.parse((await post(n, `/api/invoke/${channel}`, { ...body, ...(cursor ? { cursor } : {}) })).text);
    if (!r.result.next) return;
    cursor = r.result.next;
  }
}

/** Every session of an engine read page by page, as the hub reads a remote's. */
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
    // side by side, one after the other in each round: one engine's, then the hub's over three
    const rows: string[][] = [];
    const side = async (what: string, one: () => Promise<unknown>, all: () => Promise<unknown>, reps = 21) => {
      const [o, h] = [[] as number[], [] as number[]];
      for (let i = 0; i < reps; i++) {
        let t = performance.now();
        await one();
        o.push(performance.now() - t);
        t = performance.now();
        await all();
        h.push(performance.now() - t);
      }
      const [so, sh] = [summarize(o.slice(1)), summarize(h.slice(1))];
      rows.push([what, fmt(so.p50, 1), fmt(sh.p50, 1), fmt(sh.p50 / so.p50, 2)]);
    };
    const page = (n: Node, body: unknown) => post(n, '/api/invoke/sessions:list', body);
    await side(
      "session list, the UI's first page (200; p50 ms)",
      () => page(nodes[0]!, {}),
      () => page(hub, {}),
    );
    await side(
      'a deeper page: the 11th of 200 (p50 ms)',
      () => nth(nodes[0]!, 'sessions:list', {}, 11),
      () => nth(hub, 'sessions:list', {}, 11),
      11,
    );
    let listed = 0;
    await side(
      'every session, page by page (1,000 a page; p50 ms)',
      () => allSessions(nodes[0]!),
      async () => (listed = await allSessions(hub)),
      5,
    );
    const search = (n: Node, query: string) => post(n, '/api/invoke/search:calls', { query, limit: 50 });
    await side(
      'search: a common word, newest 50 (p50 ms)',
      () => search(nodes[0]!, WORDS[17]!),
      () => search(hub, WORDS[17]!),
    );
    await side(
      'search: a rare word (p50 ms)',
      () => search(nodes[0]!, 'tok3333'),
      () => search(hub, 'tok3333'),
    );
    const exportOne: number[] = [];
    const exportAll: number[] = [];
    let merged = { lines: 0, bytes: 0 };
    for (let i = 0; i < 2; i++) {
      exportOne.push((await exportTimed(nodes[0]!, EXPORT)).ms);
      const m = await exportTimed(hub, { ...EXPORT, hosts: 'all' });
      exportAll.push(m.ms);
      merged = m;
    }
    return [
      `Seeded and started in ${fmt(seeded, 0)} s (the hub lists ${listed} sessions): three engines of 10,000 ` +
        'sessions (one episode of 10 calls each: ' +
        '100,000 calls an engine), and a hub with the three as its remotes, all in one process, over loopback HTTP.',
      table(
        ['what', 'one engine', 'through the hub', 'hub / one'],
        [
          ...rows,
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
