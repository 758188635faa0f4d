// Shared gateways against a gateway per session, side by side in one run, on the same load (the
// scripted model, so the gateways' own costs show): gateway memory for 10 sessions with one turn
// each, a new session's first turn (warm pool / spare slots), an episode rebind, a turn while 8
// neighbours are busy, and the cost of switching between agents with one shared session store
// against OpenClaw's store per agent (the cost the shared store exists to cut).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigService } from '../electron/core/config/service.ts';
import { TreeSampler } from '../electron/core/gateways/procfs.ts';
import { NO_EMITTER } from '../electron/core/runtime/types.ts';
import { Workbench, type EngineExtras } from '../electron/core/workbench.ts';
import type { GatewayMode } from '../shared/domain.ts';
import { DEFAULT_SCENARIO } from '../electron/core/scripted-model/scenario.ts';
import { fmt, table } from './stats.ts';

const MODEL_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function withEngine<T>(
  config: { gatewayMode: GatewayMode; sessionsPerGateway?: number; poolSize: number },
  extras: EngineExtras,
  fn: (wb: Workbench) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-shared-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'openclaw', ...config }), extras).start();
  try {
    if (!wb.supervisor) throw new Error(`OpenClaw is not available: ${wb.openclaw?.problem}`);
    return await fn(wb);
  } finally {
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Gateway RSS and PSS in MB, every gateway's whole tree (PSS counts a page n processes share 1/n times). */
function gatewayMb(wb: Workbench): { rss: number; pss: number } {
  const gws = wb.supervisor!.running.filter((g) => g.pid !== null && g.isRunning);
  const stats = new TreeSampler().sample(gws.map((g) => g.pid!));
  const pids = [...stats.values()].flatMap((s) => s.pids);
  const pssKb = pids.reduce((n, pid) => {
    try {
      return n + Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      return n; // gone meanwhile
    }
  }, 0);
  return { rss: [...stats.values()].reduce((n, s) => n + s.rssBytes, 0) / 2 ** 20, pss: pssKb / 1024 };
}

async function ms(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function turn(wb: Workbench, key: string, message: string): Promise<void> {
  const r = await wb.sessions.turn(key, { message }, NO_EMITTER);
  if (r.turn.status !== 'ok') throw new Error(`${key}: turn ${r.turn.status}`);
}

/** `n` sessions with one episode and one turn each. */
async function sessions(wb: Workbench, n: number, prefix: string): Promise<string[]> {
  const keys = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  for (const k of keys) {
    await wb.sessions.startEpisode(k, {});
    await turn(wb, k, `My name is ${k}.`);
  }
  return keys;
}

interface Placed {
  wb: Workbench;
  keys: string[];
  mb: number;
  pss: number;
  gateways: number;
  alone: number[];
  busy: number[];
  rebind: number[];
}

/** 10 one-turn sessions on an engine, and the gateway memory they take. */
async function place(wb: Workbench): Promise<Placed> {
  const keys = await sessions(wb, 10, 's');
  await sleep(3000);
  const { rss, pss } = gatewayMb(wb);
  return { wb, keys, mb: rss, pss, gateways: wb.supervisor!.running.length, alone: [], busy: [], rebind: [] };
}

/**
 * On 9 of the 10 sessions: turns of one alone, turns of it while the 8 others run turns back to
 * back, and episode rebinds — in rounds that visit every engine in a rotating order, so a slow spell
 * of this (noisy, shared) machine falls on every configuration alike.
 */
async function interleaved(placed: Placed[], rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const order = [...placed.slice(round % placed.length), ...placed.slice(0, round % placed.length)];
    for (const p of order) {
      const [me, ...rest] = p.keys.slice(0, 9);
      for (let i = 0; i < 2; i++) p.alone.push(await ms(() => turn(p.wb, me!, `alone ${round}.${i}`)));
      let stop = false;
      const loops = rest.map(async (k) => {
        for (let i = 0; !stop; i++) await turn(p.wb, k, `busy ${i}`);
      });
      await sleep(1000);
      for (let i = 0; i < 2; i++) p.busy.push(await ms(() => turn(p.wb, me!, `with neighbours ${round}.${i}`)));
      stop = true;
      await Promise.all(loops);
      p.rebind.push(await ms(() => p.wb.sessions.startEpisode(me!, {})));
    }
  }
}

/** Starts every engine, places 10 sessions on each, measures them interleaved, stops them all. */
async function neighbours(
  configs: Array<{ gatewayMode: GatewayMode; sessionsPerGateway?: number }>,
  extras: EngineExtras = {},
) {
  const dirs: string[] = [];
  const placed: Placed[] = [];
  try {
    for (const c of configs) {
      const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-shared-'));
      dirs.push(dir);
      const wb = await new Workbench(
        ConfigService.of({ dataDir: dir, runtime: 'openclaw', poolSize: 0, ...c }),
        extras,
      ).start();
      if (!wb.supervisor) throw new Error(`OpenClaw is not available: ${wb.openclaw?.problem}`);
      placed.push({ ...(await place(wb)) });
    }
    await interleaved(placed, 4);
    return placed.map((p) => ({
      mb: p.mb,
      pss: p.pss,
      gateways: p.gateways,
      alone: median(p.alone),
      busy: median(p.busy),
      rebind: median(p.rebind),
    }));
  } finally {
    for (const p of placed) await p.wb.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** A new session's episode start and first turn, five times, with a ready place waiting each time. */
async function firstTurns(wb: Workbench, settle: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    await settle();
    const key = `new-${i}`;
    times.push(
      await ms(async () => {
        await wb.sessions.startEpisode(key, {});
        await turn(wb, key, 'hello');
      }),
    );
  }
  return median(times);
}

/** Turns rotating across four sessions on one shared gateway. */
async function rotating(wb: Workbench): Promise<number> {
  const keys = await sessions(wb, 4, 'r');
  const times: number[] = [];
  for (let round = 0; round < 4; round++)
    for (const k of keys) times.push(await ms(() => turn(wb, k, `round ${round}`)));
  return median(times);
}

/** The scripted model taking `ms` per answer, as a policy model serving a rollout does. */
function modelTime(ms: number): EngineExtras {
  return {
    scenario: {
      ...DEFAULT_SCENARIO,
      rules: [{ name: 'model time', delayMs: ms, steps: [{ text: 'You said: "{message}".' }] }],
    },
  };
}

export async function benchShared(): Promise<string> {
  // all four alive at once (≈ 15 GB of gateways), measured in rotating rounds; 5 per gateway puts
  // the busy sessions' turns on two gateways, so on both cores of this machine
  const measured = await neighbours([
    { gatewayMode: 'shared', sessionsPerGateway: 10 },
    { gatewayMode: 'shared' },
    { gatewayMode: 'shared', sessionsPerGateway: 5 },
    { gatewayMode: 'per-session' },
  ]);
  const [shared, shared8, shared5, own] = measured as [
    (typeof measured)[0],
    (typeof measured)[0],
    (typeof measured)[0],
    (typeof measured)[0],
  ];
  // the same with a model that takes a second per answer: the gateways' CPU is then a smaller share
  const slow = await neighbours(
    [{ gatewayMode: 'shared', sessionsPerGateway: 10 }, { gatewayMode: 'per-session' }],
    modelTime(MODEL_MS),
  );
  const [slowShared, slowOwn] = slow as [(typeof slow)[0], (typeof slow)[0]];
  const firstShared = await withEngine({ gatewayMode: 'shared', poolSize: 1 }, {}, (wb) =>
    firstTurns(wb, () => wb.seats!.prefill()),
  );
  const firstOwn = await withEngine({ gatewayMode: 'per-session', poolSize: 1 }, {}, (wb) =>
    firstTurns(wb, () => wb.pool!.settle()),
  );
  const rotateOne = await withEngine({ gatewayMode: 'shared', sessionsPerGateway: 4, poolSize: 0 }, {}, rotating);
  const rotateMany = await withEngine(
    { gatewayMode: 'shared', sessionsPerGateway: 4, poolSize: 0 },
    { openclaw: { sharedStore: false } },
    rotating,
  );
  const perGb = (r: { mb: number }) => fmt(10 / (r.mb / 1024), 1);
  const today = new Date().toISOString().slice(0, 10);
  return [
    `## Shared gateways (\`npm run bench -- shared\`, measured ${today}, openclaw 2026.9.6)`,
    '',
    'The scripted model, no warm pool unless said; RSS is every gateway process tree, 3 s after the last turn. ' +
      'The four configurations below run side by side and are measured in four rotating rounds ' +
      '(medians of 8 turns and 4 rebinds each).',
    '',
    table(
      ['10 sessions, one turn each', 'gateways', 'gateway RSS MB', 'sessions per GB', 'gateway PSS MB'],
      [
        ['shared, 10 per gateway', shared.gateways, fmt(shared.mb, 0), perGb(shared), fmt(shared.pss, 0)],
        ['shared, 8 per gateway (default)', shared8.gateways, fmt(shared8.mb, 0), perGb(shared8), fmt(shared8.pss, 0)],
        ['shared, 5 per gateway', shared5.gateways, fmt(shared5.mb, 0), perGb(shared5), fmt(shared5.pss, 0)],
        ['a gateway per session', own.gateways, fmt(own.mb, 0), perGb(own), fmt(own.pss, 0)],
      ],
    ),
    '',
    table(
      ['latency (median)', 'shared ms', 'per-session ms', 'shared / per-session'],
      [
        [
          'new session: episode start + first turn (ready place waiting)',
          fmt(firstShared, 0),
          fmt(firstOwn, 0),
          fmt(firstShared / firstOwn),
        ],
        ['episode rebind', fmt(shared.rebind, 0), fmt(own.rebind, 0), fmt(shared.rebind / own.rebind)],
        ['a turn, neighbours idle', fmt(shared.alone, 0), fmt(own.alone, 0), fmt(shared.alone / own.alone)],
        ['a turn while 8 neighbours are busy', fmt(shared.busy, 0), fmt(own.busy, 0), fmt(shared.busy / own.busy)],
      ],
    ),
    '',
    table(
      ['a turn while 8 neighbours are busy (median)', 'gateways', 'ms', 'vs per-session'],
      [
        ['shared, 10 per gateway', shared.gateways, fmt(shared.busy, 0), fmt(shared.busy / own.busy)],
        ['shared, 8 per gateway (default)', shared8.gateways, fmt(shared8.busy, 0), fmt(shared8.busy / own.busy)],
        ['shared, 5 per gateway', shared5.gateways, fmt(shared5.busy, 0), fmt(shared5.busy / own.busy)],
        ['a gateway per session', own.gateways, fmt(own.busy, 0), '1.00'],
      ],
    ),
    '',
    `With the model taking ${MODEL_MS} ms per answer (the two configurations side by side, as above):`,
    '',
    table(
      ['model takes ' + MODEL_MS + ' ms', 'shared, 10 per gateway ms', 'per-session ms', 'shared / per-session'],
      [
        [
          'a turn, neighbours idle',
          fmt(slowShared.alone, 0),
          fmt(slowOwn.alone, 0),
          fmt(slowShared.alone / slowOwn.alone),
        ],
        [
          'a turn while 8 neighbours are busy',
          fmt(slowShared.busy, 0),
          fmt(slowOwn.busy, 0),
          fmt(slowShared.busy / slowOwn.busy),
        ],
        ['episode rebind', fmt(slowShared.rebind, 0), fmt(slowOwn.rebind, 0), fmt(slowShared.rebind / slowOwn.rebind)],
      ],
    ),
    '',
    table(
      ['turns rotating across 4 agents of one gateway', 'median ms'],
      [
        ['one shared session store (Trajscope)', fmt(rotateOne, 0)],
        ["a session database per agent (OpenClaw's default)", fmt(rotateMany, 0)],
      ],
    ),
    '',
    `Store per agent vs one shared store when rotating: ${fmt(rotateMany / rotateOne)}×.`,
  ].join('\n');
}
