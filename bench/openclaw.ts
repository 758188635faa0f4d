// OpenClaw gateways: the cold path (spawn → /health → /readyz → first turn) against a session
// start from the warm pool and an episode rebind by hot reload; RSS of idle and busy gateways
// with OpenClaw's default config against Trajscope's. One run, one machine, side by side.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { GatewaySupervisor } from '../electron/core/gateways/supervisor.ts';
import type { Gateway } from '../electron/core/gateways/gateway.ts';
import { TreeSampler } from '../electron/core/gateways/procfs.ts';
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { fmt, table } from './stats.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function pollUntil(url: string, stop: () => boolean): Promise<number> {
  for (;;) {
    if (stop()) return NaN;
    try {
      const r = await request(url, { headersTimeout: 1000 });
      await r.body.dump();
      if (r.statusCode === 200) return performance.now();
    } catch {
      /* not yet */
    }
    await sleep(50);
  }
}

async function chat(gw: Gateway, text: string): Promise<void> {
  const r = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
    headers: {
      authorization: `Bearer ${gw.token}`,
      'content-type': 'application/json',
      'x-openclaw-session-key': `bench:${randomUUID()}`,
    },
    body: JSON.stringify({ model: 'openclaw/default', messages: [{ role: 'user', content: text }] }),
  });
  const body = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`turn failed ${r.statusCode}: ${body.slice(0, 200)}`);
}

interface Cold {
  health: number;
  ready: number;
  firstTurn: number;
  secondTurn: number;
  idleMb: number;
  busyMb: number;
}

async function coldPath(wb: Workbench, sup: GatewaySupervisor, key: string): Promise<Cold> {
  const port = await freePort();
  const t0 = performance.now();
  let done = false;
  const health = pollUntil(`http://127.0.0.1:${port}/health`, () => done);
  const ready = pollUntil(`http://127.0.0.1:${port}/readyz`, () => done);
  const gw = await sup.spawn({ baseUrl: wb.recorder.url, apiKey: key, model: wb.upstreams.modelOf(null) }, null, {
    port,
  });
  const [h, r] = await Promise.all([health, ready]);
  done = true;
  await chat(gw, 'hello');
  const t2 = performance.now();
  await chat(gw, 'hello again');
  const t3 = performance.now();
  const sampler = new TreeSampler();
  await sleep(3000);
  const idle = sampler.sample([gw.pid!]).get(gw.pid!)!.rssBytes;
  for (let i = 0; i < 5; i++) await chat(gw, `please search for item ${i}`);
  const busy = sampler.sample([gw.pid!]).get(gw.pid!)!.rssBytes;
  await sup.stop(gw);
  return {
    health: (h - t0) / 1000,
    ready: (r - t0) / 1000,
    firstTurn: (t2 - t0) / 1000,
    secondTurn: (t3 - t2) / 1000,
    idleMb: idle / 2 ** 20,
    busyMb: busy / 2 ** 20,
  };
}

async function proxy(wb: Workbench, path: string, body: unknown): Promise<void> {
  const r = await request(`${wb.proxyUrl}${path}`, {
    method: 'POST',
    headersTimeout: 300_000,
    bodyTimeout: 300_000,
    headers: { authorization: `Bearer ${wb.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`${path} ${r.statusCode}: ${text.slice(0, 300)}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchOpenClaw(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-oc-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'openclaw', poolSize: 0 })).start();
  try {
    if (!wb.supervisor) throw new Error(`OpenClaw is not available: ${wb.openclaw?.problem}`);
    const ep = await (async () => {
      wb.sessions.ensure('bench-cold', 'direct');
      return wb.sessions.startEpisode('bench-cold', {});
    })();
    const defaults = new GatewaySupervisor({
      ...wb.supervisor.options,
      base: 'openclaw-defaults',
      nodeOptions: '',
      onChange: undefined,
    });
    // Alternated, and the first round discarded: it fills Node's compile cache, which every later
    // start (and every start a user sees after the first) reuses.
    await coldPath(wb, wb.supervisor, ep.upstreamKey);
    await coldPath(wb, defaults, ep.upstreamKey);
    const safe = await coldPath(wb, wb.supervisor, ep.upstreamKey);
    const dflt = await coldPath(wb, defaults, ep.upstreamKey);

    // warm pool: the time from "new session, episode start" to its first turn answered
    wb.pool!.setSize(1);
    await wb.pool!.settle();
    const p0 = performance.now();
    await proxy(wb, '/session/bench-pooled/episode/start', {});
    const p1 = performance.now();
    await proxy(wb, '/session/bench-pooled/turn', { message: 'hello' });
    const p2 = performance.now();
    wb.pool!.setSize(0);

    // rebind by hot reload: episode end + start on a running gateway
    const rebinds: number[] = [];
    for (let i = 0; i < 5; i++) {
      await proxy(wb, '/session/bench-pooled/episode/end', {});
      const t = performance.now();
      await proxy(wb, '/session/bench-pooled/episode/start', {});
      rebinds.push((performance.now() - t) / 1000);
      await proxy(wb, '/session/bench-pooled/turn', { message: `turn after rebind ${i}` });
    }
    const pooled = (p2 - p0) / 1000;
    const rebind = median(rebinds);
    return [
      '### OpenClaw gateways: cold path vs. warm pool vs. hot-reload rebind; default vs. Trajscope config',
      '',
      table(
        [
          'config',
          '/health s',
          '/readyz s',
          'first turn done s',
          'next turn s',
          'idle RSS MB',
          'busy RSS MB (after 5 tool turns)',
        ],
        [
          [
            'OpenClaw defaults (no heap cap)',
            fmt(dflt.health, 1),
            fmt(dflt.ready, 1),
            fmt(dflt.firstTurn, 1),
            fmt(dflt.secondTurn, 2),
            fmt(dflt.idleMb, 0),
            fmt(dflt.busyMb, 0),
          ],
          [
            'Trajscope safe config + 384 MB heap cap',
            fmt(safe.health, 1),
            fmt(safe.ready, 1),
            fmt(safe.firstTurn, 1),
            fmt(safe.secondTurn, 2),
            fmt(safe.idleMb, 0),
            fmt(safe.busyMb, 0),
          ],
        ],
      ),
      '',
      table(
        ['path', 'seconds', 'vs. cold (safe config)'],
        [
          ['cold: spawn → first turn answered', fmt(safe.firstTurn, 2), '1.00'],
          [
            'warm pool: episode start (parked key, no reload) + first turn',
            fmt(pooled, 2),
            fmt(pooled / safe.firstTurn, 3),
          ],
          ['  of which episode start', fmt((p1 - p0) / 1000, 2), ''],
          ['rebind by hot reload (median of 5 episode starts)', fmt(rebind, 2), fmt(rebind / safe.firstTurn, 3)],
        ],
      ),
      '',
      `Idle RSS, Trajscope config vs. OpenClaw defaults: ${fmt(safe.idleMb / dflt.idleMb, 2)}×; ` +
        `busy: ${fmt(safe.busyMb / dflt.busyMb, 2)}×. ` +
        'RSS is the whole process tree (launcher, gateway, spawn broker, SQLite worker).',
    ].join('\n');
  } finally {
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
