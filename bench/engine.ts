// Engine overhead: the scripted model called directly vs. the same turns through DataProxy +
// DirectRuntime + recorder + SQLite, side by side in one run, at concurrency 1, 16 and 64.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { Store } from '../electron/core/store/store.ts';
import { fmt, summarize, table } from './stats.ts';

const TURNS_PER_EPISODE = 5;
const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

interface Host {
  proxy: string;
  adminKey: string;
  scripted: string;
  scriptedToken: string;
  model: string;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function directTurn(h: Host, messages: unknown[]): Promise<string> {
  const res = await request(`${h.scripted}/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${h.scriptedToken}`, 'content-type': 'application/json' },
    // the token fields the recorder adds on the proxy side: the model does the same work on both sides
    body: JSON.stringify({
      model: h.model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      return_token_ids: true,
      logprobs: true,
    }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`direct ${res.statusCode}`);
  return text;
}

async function proxyCall(h: Host, path: string, body: unknown): Promise<{ summary: string }> {
  const res = await request(`${h.proxy}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.body.json()) as { summary: string };
  if (res.statusCode !== 200) throw new Error(`proxy ${res.statusCode} ${JSON.stringify(json)}`);
  return json;
}

/** Runs `turns` turns over `concurrency` workers; each worker is one session with 5-turn episodes. */
async function run(
  h: Host,
  mode: 'direct' | 'proxy',
  concurrency: number,
  turns: number,
  tag: string,
): Promise<{ lat: number[]; seconds: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const key = `bench-${tag}-${w}`;
      let history: Array<{ role: string; content: string }> = [];
      let i = 0;
      while (next++ < turns) {
        const message = `message ${i} from worker ${w}`;
        if (i % TURNS_PER_EPISODE === 0) {
          history = [];
          if (mode === 'proxy') await proxyCall(h, `/session/${key}/episode/start`, {});
        }
        let reply = '';
        if (mode === 'direct') {
          lat.push(
            await timed(async () => {
              const sse = await directTurn(h, [...history, { role: 'user', content: message }]);
              reply = sse; // content is not needed for the baseline, only the same work
            }),
          );
          reply = `You said: "${message}".`;
        } else {
          lat.push(
            await timed(async () => {
              reply = (await proxyCall(h, `/session/${key}/turn`, { message })).summary;
            }),
          );
        }
        history.push({ role: 'user', content: message }, { role: 'assistant', content: reply });
        i++;
      }
    }),
  );
  return { lat, seconds: (performance.now() - t0) / 1000 };
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

export async function benchEngine(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-'));
  const child = spawn(process.execPath, [join(import.meta.dirname, 'engine-host.ts'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = await once(child.stdout!, 'data');
    const h = JSON.parse(String(line)) as Host;
    // warm both paths
    await run(h, 'direct', 4, 200, 'warm');
    await run(h, 'proxy', 4, 200, 'warm');
    const rows: Array<Array<string | number>> = [];
    let proxyTurns = 200;
    for (const [c, n] of [
      [1, 400],
      [16, 3200],
      [64, 3200],
    ] as const) {
      const d: number[] = [];
      const p: number[] = [];
      let dSec = 0;
      let pSec = 0;
      for (let round = 0; round < 2; round++) {
        // alternate to spread machine noise over both sides
        const a = await run(h, 'direct', c, n / 2, `c${c}r${round}`);
        const b = await run(h, 'proxy', c, n / 2, `c${c}r${round}`);
        d.push(...a.lat);
        p.push(...b.lat);
        dSec += a.seconds;
        pSec += b.seconds;
        proxyTurns += n / 2;
      }
      const ds = summarize(d);
      const ps = summarize(p);
      rows.push([
        c,
        n,
        fmt(ds.p50),
        fmt(ps.p50),
        fmt(ps.p50 - ds.p50),
        fmt(ds.p99),
        fmt(ps.p99),
        fmt(ps.p99 - ds.p99),
        fmt(n / dSec, 0),
        fmt(n / pSec, 0),
        fmt(n / pSec / (n / dSec), 2),
      ]);
    }
    const rss = peakRssMb(child.pid!);
    child.kill('SIGTERM');
    await once(child, 'exit');
    const store = new Store(dir);
    const stored = store.turns.count({ status: 'ok' });
    const calls = store.calls.count({ status: 200 });
    store.close();
    return [
      '### Engine: scripted model direct vs. DataProxy + DirectRuntime + recorder + SQLite',
      '',
      table(
        [
          'concurrency',
          'turns',
          'direct p50 ms',
          'proxy p50 ms',
          'added p50 ms',
          'direct p99 ms',
          'proxy p99 ms',
          'added p99 ms',
          'direct turns/s',
          'proxy turns/s',
          'throughput ratio',
        ],
        rows,
      ),
      '',
      `Peak RSS of the engine host: ${fmt(rss, 0)} MB. ` +
        `Turns stored as ok after the run: ${stored} of ${proxyTurns} sent through the proxy; ` +
        `upstream calls stored: ${calls}.`,
    ].join('\n');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
