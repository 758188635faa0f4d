// A group of rollouts on OpenClaw: 8 rollouts of a 4-turn task started at once (each its own
// session and gateway, cold: no warm pool), against the same 8 rollouts run one after another.
// Wall time, turns that ended ok, and the peak RSS of this process and every gateway it started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigService } from '../electron/core/config/service.ts';
import { allProcesses, processTree } from '../electron/core/gateways/procfs.ts';
import { drive, freshKey } from '../electron/core/rollouts/drive.ts';
import { startGroup } from '../electron/core/rollouts/groups.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { fmt, table } from './stats.ts';

const SIZE = 8;
const MESSAGES = [
  'My name is Ada and I study lighthouses.',
  'What is the weather in Paris?',
  'Please search for otter facts.',
  'What did I say I study?',
];

/** Peak RSS of this process and all its descendants while `fn` runs, sampled every 250 ms. */
async function withPeak<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number; seconds: number }> {
  let peak = 0;
  const sample = () => {
    const procs = allProcesses();
    const pids = new Set(processTree(process.pid, procs));
    const rss = procs.filter((p) => pids.has(p.pid)).reduce((n, p) => n + p.rssPages * 4096, 0);
    peak = Math.max(peak, rss);
  };
  const timer = setInterval(sample, 250);
  const t0 = performance.now();
  try {
    const result = await fn();
    sample();
    return { result, peakMb: peak / 2 ** 20, seconds: (performance.now() - t0) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

function okTurns(wb: Workbench, keys: string[]): number {
  return keys
    .flatMap((k) => wb.store.episodes.list({ sessionKey: k }).items)
    .flatMap((e) => wb.store.turns.list(e.id))
    .filter((t) => t.status === 'ok').length;
}

async function closeAll(wb: Workbench, keys: string[]): Promise<void> {
  for (const k of keys) await wb.sessions.close(k);
}

export async function benchGroups(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-groups-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'openclaw', poolSize: 0 })).start();
  try {
    if (!wb.supervisor) throw new Error(`OpenClaw is not available: ${wb.openclaw?.problem}`);
    const deps = wb.rolloutDeps();
    // one rollout first, discarded: it fills Node's compile cache, which every later start reuses
    const warm = freshKey(deps, 'warm');
    wb.sessions.ensure(warm, 'openclaw');
    await wb.sessions.startEpisode(warm, {});
    await drive(deps, warm, MESSAGES.slice(0, 1));
    await closeAll(wb, [warm]);

    const group = await withPeak(async () => {
      const run = startGroup(deps, { messages: MESSAGES, size: SIZE, overrides: { runtime: 'openclaw' } });
      await run.done;
      return run.started.sessionKeys;
    });
    const groupOk = okTurns(wb, group.result);
    await closeAll(wb, group.result);

    const sequential = await withPeak(async () => {
      const keys: string[] = [];
      for (let i = 0; i < SIZE; i++) {
        const key = freshKey(deps, `sequential-${i + 1}`);
        keys.push(key);
        wb.sessions.ensure(key, 'openclaw');
        await wb.sessions.startEpisode(key, {});
        await drive(deps, key, MESSAGES);
        await wb.sessions.close(key); // one at a time: its gateway stops before the next starts
      }
      return keys;
    });
    const sequentialOk = okTurns(wb, sequential.result);
    const turns = SIZE * MESSAGES.length;
    return [
      `## Groups of rollouts (\`npm run bench -- groups\`, measured ${new Date().toISOString().slice(0, 10)})`,
      '',
      `${SIZE} rollouts of a ${MESSAGES.length}-turn task on OpenClaw (scripted model, no warm pool: each rollout ` +
        'spawns its own gateway), started at once as a group, against the same rollouts run one after another ' +
        '(each gateway stopped before the next starts). Peak RSS is this process plus every gateway it started, ' +
        'sampled every 250 ms.',
      '',
      table(
        ['run', 'wall s', 'turns ok', 'peak RSS MB'],
        [
          ['group of 8 at once', fmt(group.seconds, 1), `${groupOk}/${turns}`, fmt(group.peakMb, 0)],
          ['8 sequential', fmt(sequential.seconds, 1), `${sequentialOk}/${turns}`, fmt(sequential.peakMb, 0)],
        ],
      ),
      '',
      `Group wall time vs. sequential: ${fmt(group.seconds / sequential.seconds)}×; ` +
        `peak memory: ${fmt(group.peakMb / sequential.peakMb)}×.`,
    ].join('\n');
  } finally {
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
