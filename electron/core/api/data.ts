// Data in and out of the workbench: importing an exported trajectory file, searching what was
// recorded, and keeping the data dir's size in hand (prune, vacuum).
import { exportTally } from '../export/file.ts';
import { HttpError } from '../http/errors.ts';
import { ImportError } from '../trajectory-import/formats.ts';
import { importTrajectories } from '../trajectory-import/importer.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';

type DataChannels =
  'data:import' | 'data:export-preview' | 'search:calls' | 'data:stats' | 'data:prune' | 'data:vacuum';

const DAY_MS = 86_400_000;

/** What these handlers may use of the engine. */
export type DataDeps = Pick<
  Workbench,
  'store' | 'sessions' | 'events' | 'searchIndexer' | 'externalTurns' | 'analysis' | 'openLogFiles'
>;

export function dataHandlers(wb: DataDeps): Pick<ApiHandlers, DataChannels> {
  return {
    'data:export-preview': (req) => {
      if (req.sessionKey !== undefined && !wb.store.sessions.get(req.sessionKey))
        throw new HttpError(404, `unknown session ${req.sessionKey}`);
      // the same walk as the export itself, so the counts are the ones it will write
      return exportTally(wb.store, req);
    },
    'search:calls': (req) => {
      wb.searchIndexer?.catchUp();
      return { ...wb.store.search.search(req), pending: wb.store.search.pending() };
    },
    'data:stats': () => ({ ...wb.store.retention.stats(), searchPending: wb.store.search.pending() }),
    'data:prune': async (req) => {
      // sessions named for removal are closed first: a turn in flight is cancelled, the episode ends
      if (!req.dryRun)
        for (const key of req.sessionKeys ?? []) if (wb.store.sessions.get(key)) await wb.sessions.close(key);
      const before = req.olderThanDays === undefined ? undefined : Date.now() - req.olderThanDays * DAY_MS;
      const { touched, ...result } = wb.store.retention.prune({
        before,
        sessionKeys: req.sessionKeys,
        includeLabeled: req.includeLabeled,
        dryRun: req.dryRun,
        // named sessions count as closed in a dry run too: the prune itself closes them first
        live: new Set(wb.sessions.liveKeys().filter((key) => !req.sessionKeys?.includes(key))),
        openLogFiles: wb.openLogFiles(),
      });
      const gone = touched.filter((key) => !wb.store.sessions.get(key));
      if (gone.length) wb.events.emit('sessions:removed', { keys: gone });
      for (const key of touched) if (!gone.includes(key)) wb.sessions.notify(key);
      return result;
    },
    'data:vacuum': () => wb.store.retention.vacuum(),
    'data:import': (req) => {
      try {
        const parts = {
          store: wb.store,
          events: wb.events,
          externalTurns: wb.externalTurns,
          analyzer: wb.analysis.analyzer,
        };
        const result = importTrajectories(parts, req.name, req.content);
        for (const key of result.sessionKeys) wb.sessions.notify(key);
        return result;
      } catch (err) {
        if (err instanceof ImportError) throw new HttpError(400, `${req.name}: ${err.message}`);
        throw err;
      }
    },
  };
}
