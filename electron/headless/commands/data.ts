// `trajscope prune`, `vacuum` and `search`: a data dir's size and content from the command line.
// Pruning and vacuuming take the data dir's engine lock, so they are refused while an engine runs
// there (its sessions' episodes are live): that engine's Settings → Storage does the same with its
// sessions closed first. Search only reads: beside a live engine it reads through a second
// connection and leaves the indexing to that engine.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataDirBusyError, DataDirLock } from '../../core/store/data-dir-lock.ts';
import { MARK_END, MARK_START } from '../../core/store/search-repo.ts';
import { Store } from '../../core/store/store.ts';
import { UsageError } from './usage.ts';

export interface PruneArgs {
  dataDir: string;
  olderThanMs?: number;
  sessions?: string[];
  includeLabeled: boolean;
  dryRun: boolean;
  vacuum: boolean;
  json: boolean;
}

export function pruneCommand(a: PruneArgs): void {
  if (a.olderThanMs === undefined && !a.sessions?.length)
    throw new UsageError('say what to prune: --older-than, --session, or both');
  withIdleStore(a.dataDir, 'trajscope prune', (store) => {
    const { touched: _, ...result } = store.retention.prune({
      before: a.olderThanMs === undefined ? undefined : Date.now() - a.olderThanMs,
      sessionKeys: a.sessions,
      includeLabeled: a.includeLabeled,
      dryRun: a.dryRun,
    });
    const space = a.vacuum && !a.dryRun ? store.retention.vacuum() : null;
    if (a.json) return print(JSON.stringify({ ...result, vacuum: space }));
    const verb = a.dryRun ? 'would remove' : 'removed';
    print(
      `${verb} ${result.episodes} episodes, ${result.calls} calls, ${result.sessions} sessions` +
        (a.dryRun ? '' : `, ${result.logFiles} log files`) +
        (result.keptLabeled ? `; kept ${result.keptLabeled} labeled episodes (--include-labeled removes them)` : ''),
    );
    if (space) print(`vacuumed: ${mb(space.before)} → ${mb(space.after)}`);
  });
}

export function vacuumCommand(dataDir: string, json: boolean): void {
  withIdleStore(dataDir, 'trajscope vacuum', (store) => {
    const space = store.retention.vacuum();
    print(json ? JSON.stringify(space) : `vacuumed: ${mb(space.before)} → ${mb(space.after)}`);
  });
}

export function searchCommand(dataDir: string, query: string, o: { session?: string; limit: number; json: boolean }) {
  const store = openForReading(dataDir, 'trajscope search');
  try {
    // what no engine indexed yet; a live engine indexes its own calls
    if (store.lock) while (store.search.indexBatch(1000) > 0);
    const page = store.search.search({ query, sessionKey: o.session, limit: o.limit });
    if (o.json) return print(JSON.stringify(page.items));
    for (const hit of page.items) {
      const text = hit.snippet.replaceAll(MARK_START, '[').replaceAll(MARK_END, ']').replace(/\s+/g, ' ');
      print(`${new Date(hit.startedAt).toISOString()} ${hit.sessionKey} ${hit.episodeId} ${hit.callId}\n  ${text}`);
    }
    if (page.items.length === 0) print('no recorded call matches');
  } finally {
    store.close();
  }
}

function withIdleStore(dataDir: string, startedBy: string, fn: (store: Store) => void): void {
  let store: Store;
  try {
    store = openStore(dataDir, startedBy);
  } catch (err) {
    if (!(err instanceof DataDirBusyError)) throw err;
    throw new DataDirBusyError(resolve(dataDir), err.holder, "use that engine's Settings → Storage, or stop it first");
  }
  try {
    fn(store);
  } finally {
    store.close();
  }
}

function openStore(dataDir: string, startedBy: string): Store {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, 'trajscope.sqlite'))) throw new Error(`no Trajscope data in ${dir}`);
  return new Store(dir, { startedBy });
}

/** A store to read: beside a live engine a second, read-only connection; else this command's own. */
export function openForReading(dataDir: string, startedBy: string): Store {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, 'trajscope.sqlite'))) throw new Error(`no Trajscope data in ${dir}`);
  if (DataDirLock.check(dir)) return new Store(dir, { readOnly: true });
  try {
    return new Store(dir, { startedBy });
  } catch (err) {
    if (err instanceof DataDirBusyError) return new Store(dir, { readOnly: true }); // an engine came up meanwhile
    throw err;
  }
}

const print = (line: string) => void process.stdout.write(line + '\n');
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
