// Leak detector accuracy and cost: every lab scenario (each must raise what it plants), 50 clean
// episodes of varied content on one real gateway (none may raise anything), and the detectors'
// cost per upstream call on 100 KB requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeakAnalyzer } from '../electron/core/analysis/analyzer.ts';
import { labEngineFactory } from '../electron/core/api/lab-engine.ts';
import { ConfigService } from '../electron/core/config/service.ts';
import { runScenario, SCENARIOS } from '../electron/core/lab/runner.ts';
import { EngineEvents } from '../electron/core/events.ts';
import { Store } from '../electron/core/store/store.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { fmt, summarize, table } from './stats.ts';

const WORDS = (
  'harbour lantern cobalt meadow quartz falcon ember willow saffron granite tundra violet orchard copper lagoon ' +
  'thistle marble canyon juniper pebble'
).split(' ');

/** Deterministic varied text (a small LCG), so every run measures the same content. */
function texts(seed: number) {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return (n: number) =>
    Array.from({ length: n }, () => WORDS[next() % WORDS.length]).join(' ') + ` #${next() % 100000}`;
}

async function cleanEpisodes(count: number): Promise<{ alerts: number; kinds: string[]; turns: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-leaks-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'openclaw', poolSize: 0 })).start();
  try {
    const say = texts(7);
    let turns = 0;
    for (let e = 0; e < count; e++) {
      await wb.sessions.startEpisode('clean-bench', { taskId: `task-${e % 7}` });
      const messages = [
        `Episode ${e}: ${say(8)}`,
        e % 3 === 0 ? `please search for ${say(3)}` : `what is the weather in ${say(1)}?`,
      ];
      for (const message of messages) {
        await wb.sessions.turn('clean-bench', { message }, { delta: () => {}, toolCall: () => {} });
        turns++;
      }
      await wb.sessions.endEpisode('clean-bench', 1);
    }
    const alerts = wb.store.alerts.list({ limit: 1000 }).items;
    return { alerts: alerts.length, kinds: [...new Set(alerts.map((a) => a.kind))], turns };
  } finally {
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The detectors' cost per call, and beside it (alternate calls, same analyzer) with the leftovers a
 * hub checks across hosts worked out too (analysis/foreign.ts).
 */
export function detectorCost(): {
  p50: number;
  p99: number;
  foreignP50: number;
  foreignP99: number;
  bytes: number;
  leftovers: number;
} {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-cost-'));
  const store = new Store(dir);
  const events = new EngineEvents();
  const analyzer = new LeakAnalyzer(store, events);
  const say = texts(11);
  try {
    store.sessions.ensure('cost', 'openclaw');
    // three earlier episodes with content to match against
    for (let e = 0; e < 3; e++) {
      const ep = store.episodes.insert({
        sessionKey: 'cost',
        taskId: null,
        metadata: {},
        upstreamKey: `sk-sess-cost-${e}`,
        upstreamId: null,
      });
      for (let t = 0; t < 10; t++) {
        const turn = store.turns.insert({
          episodeId: ep.id,
          sessionKey: 'cost',
          message: say(60),
          historyLength: t * 2,
        });
        events.emit(
          'turns:changed',
          store.turns.finish(turn.id, { status: 'ok', reply: say(120), toolCalls: [], error: null }),
        );
      }
      store.episodes.end(ep.id);
    }
    const ep = store.episodes.insert({
      sessionKey: 'cost',
      taskId: null,
      metadata: {},
      upstreamKey: 'sk-sess-cost-now',
      upstreamId: null,
    });
    const history: Array<{ role: string; content: string }> = [];
    for (let t = 0; t < 40; t++) {
      const turn = store.turns.insert({
        episodeId: ep.id,
        sessionKey: 'cost',
        message: say(100),
        historyLength: t * 2,
      });
      const done = store.turns.finish(turn.id, { status: 'ok', reply: say(200), toolCalls: [], error: null });
      events.emit('turns:changed', done);
      history.push({ role: 'user', content: done.message }, { role: 'assistant', content: done.reply! });
    }
    const turn = store.turns.insert({
      episodeId: ep.id,
      sessionKey: 'cost',
      message: 'and now?',
      historyLength: history.length,
    });
    const lines = history.map((h) => `${h.role === 'user' ? 'User' : 'Assistant'}: ${h.content}`).join('\n');
    const flattened =
      `[Tue 2026-11-24 09:27 UTC] [Chat messages since your last reply - for context]\n${lines}\n\n` +
      '[Current message - respond to this]\nUser: and now?\n\n' +
      'Runtime: agent=main | session=agent:main:cost:1 | host=vm';
    const body = Buffer.from(
      JSON.stringify({
        model: 'm',
        stream: true,
        messages: [
          { role: 'system', content: say(1500) },
          { role: 'user', content: flattened },
        ],
      }),
    );
    const samples: number[] = [];
    const withForeign: number[] = [];
    let leftovers = 0;
    for (let i = 0; i < 440; i++) {
      analyzer.onForeign = i % 2 ? () => leftovers++ : null;
      const call = store.calls.insert({
        upstreamKey: 'sk-sess-cost-now',
        sessionKey: 'cost',
        episodeId: ep.id,
        turnId: turn.id,
        path: '/v1/chat/completions',
        headers: {},
        body,
        startedAt: Date.now(),
      });
      const t0 = performance.now();
      analyzer.analyzeCall(call, body);
      if (i >= 40) (i % 2 ? withForeign : samples).push(performance.now() - t0); // the first calls warm the JIT
    }
    const [s, f] = [summarize(samples), summarize(withForeign)];
    return { p50: s.p50, p99: s.p99, foreignP50: f.p50, foreignP99: f.p99, bytes: body.length, leftovers };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The detectors' cost alone (no gateway): `npm run bench -- detectors`. */
export async function benchDetectors(): Promise<string> {
  const cost = detectorCost();
  return table(
    ['detector cost per upstream call (alternate calls, one run)', 'p50 ms', 'p99 ms'],
    [
      [
        `${fmt(cost.bytes / 1024, 0)} KB request, 80 replayed messages, 3 earlier episodes`,
        fmt(cost.p50, 2),
        fmt(cost.p99, 2),
      ],
      [
        `the same, with the leftovers a hub checks across hosts (calls with leftovers: ${cost.leftovers})`,
        fmt(cost.foreignP50, 2),
        fmt(cost.foreignP99, 2),
      ],
    ],
  );
}

export async function benchLeaks(): Promise<string> {
  const rows: Array<Array<string | number>> = [];
  for (const sc of SCENARIOS) {
    const v = await runScenario(sc.name, labEngineFactory());
    rows.push([
      sc.name,
      sc.expected.join(', ') || 'none',
      [...new Set(v.alerts.map((a) => a.kind))].join(', ') || 'none',
      v.pass ? 'yes' : 'NO',
    ]);
  }
  const clean = await cleanEpisodes(50);
  const cost = detectorCost();
  return [
    '### Leak detectors: lab scenarios, 50 clean episodes, cost per call',
    '',
    table(['scenario', 'planted (expected)', 'raised', 'pass'], rows),
    '',
    `50 clean episodes of varied content (${clean.turns} turns, one real gateway rebound per episode): ` +
      `${clean.alerts} alerts${clean.kinds.length ? ` (${clean.kinds.join(', ')})` : ''}.`,
    '',
    table(
      ['detector cost per upstream call', 'p50 ms', 'p99 ms'],
      [
        [
          `${fmt(cost.bytes / 1024, 0)} KB request, 80 replayed messages, 3 earlier episodes`,
          fmt(cost.p50, 2),
          fmt(cost.p99, 2),
        ],
        ['the same, with the leftovers a hub checks across hosts', fmt(cost.foreignP50, 2), fmt(cost.foreignP99, 2)],
      ],
    ),
  ].join('\n');
}
