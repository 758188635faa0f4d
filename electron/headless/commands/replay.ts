// `trajscope replay --data-dir D --episode ID`: re-runs an episode's user messages through a new
// session on an engine of its own (the data dir's settings, or the overrides given), waits for the
// last turn, and prints the turn-by-turn comparison with the source. For scripts: --json.
import { loadConfig } from '../../core/config/cli.ts';
import { HttpError } from '../../core/http/errors.ts';
import { compareEpisodes } from '../../core/rollouts/compare.ts';
import { startReplay } from '../../core/rollouts/replay.ts';
import { Workbench } from '../../core/workbench.ts';
import type { RunOverrides } from '../../../shared/rollouts.ts';
import { UsageError } from './usage.ts';

export interface ReplayFlags {
  dataDir: string;
  episode: string;
  json: boolean;
  openclawBin?: string;
  overrides: RunOverrides;
}

export async function replayCommand(f: ReplayFlags): Promise<void> {
  const config = loadConfig({
    flags: { dataDir: f.dataDir, noUi: true, poolSize: 0, ...(f.openclawBin ? { openclawBin: f.openclawBin } : {}) },
  });
  const wb = new Workbench(config, { startedBy: 'trajscope replay' });
  await wb.start();
  try {
    let run;
    try {
      run = await startReplay(wb.rolloutDeps(), f.episode, f.overrides);
    } catch (err) {
      if (err instanceof HttpError && err.status < 500) throw new UsageError(err.message);
      throw err;
    }
    await run.done;
    const c = compareEpisodes(wb.store, f.episode, run.started.episode.id);
    if (f.json) {
      process.stdout.write(JSON.stringify({ sourceEpisodeId: f.episode, episode: c.b, comparison: c }) + '\n');
      return;
    }
    const out = (s: string) => process.stdout.write(s + '\n');
    out(`replayed ${c.a.id} (session ${c.a.sessionKey}) as ${c.b.id} (session ${c.b.sessionKey})`);
    for (const t of c.turns) {
      const alerts = (s: typeof t.a) => (s ? s.alerts.join(', ') || 'no alert' : 'not run');
      const same = t.a && t.b ? (t.a.reply === t.b.reply ? 'same answer' : 'answers differ') : '';
      out(`turn ${t.index}: ${JSON.stringify((t.a ?? t.b)!.message.slice(0, 60))}`);
      out(`  source: ${alerts(t.a)} · replay: ${alerts(t.b)}${same ? ` · ${same}` : ''}`);
    }
    const count = (side: 'a' | 'b') => c.turns.reduce((n, t) => n + (t[side]?.alerts.length ?? 0), 0);
    out(`alerts: ${count('a')} in the source, ${count('b')} in the replay`);
  } finally {
    await wb.stop();
  }
}
