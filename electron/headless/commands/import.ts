// `trajscope import FILE`: an exported trajectory file into a data dir, as read-only episodes,
// with the leak detectors run on it. Only the store and the detectors are started: no server.
import { readFileSync } from 'node:fs';
import { LeakAnalyzer } from '../../core/analysis/analyzer.ts';
import { EngineEvents } from '../../core/events.ts';
import { ImportError } from '../../core/trajectory-import/formats.ts';
import { importTrajectories } from '../../core/trajectory-import/importer.ts';
import { ExternalTurns } from '../../core/sessions/external-turns.ts';
import { Store } from '../../core/store/store.ts';
import { UsageError } from './usage.ts';

export function importCommand(file: string, dataDir: string, json: boolean): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const store = new Store(dataDir, { startedBy: 'trajscope import' });
  try {
    const events = new EngineEvents();
    const parts = {
      store,
      events,
      externalTurns: new ExternalTurns(store, events),
      analyzer: new LeakAnalyzer(store, events),
    };
    const r = importTrajectories(parts, file, text, {
      onProgress: (done, total) => process.stderr.write(`importing: ${done} of ${total} interactions checked in…\n`),
    });
    if (json) process.stdout.write(JSON.stringify(r) + '\n');
    else {
      process.stdout.write(
        `imported ${r.interactions} interaction(s) of ${r.episodes.length} episode(s) (${r.format}) ` +
          `into ${r.sessionKeys.length === 1 ? 'session' : `${r.sessionKeys.length} sessions:`} ` +
          `${r.sessionKeys.join(', ')}; ${r.alerts} leak alert(s)\n`,
      );
    }
  } catch (err) {
    if (err instanceof ImportError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  } finally {
    store.close();
  }
}
