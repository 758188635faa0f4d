// `trajscope prune`, `vacuum` and `search`: a data dir's size and content from the command line.
// Pruning and vacuuming refuse a data dir an engine is running on (its sessions' episodes are
// live there): that engine's Settings → Storage does the same with its sessions closed first.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  withIdleStore(a.dataDir, (store) => {
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
  withIdleStore(dataDir, (store) => {
    const space = store.retention.vacuum();
    print(json ? JSON.stringify(space) : `vacuumed: ${mb(space.before)} → ${mb(space.after)}`);
  });
}

export function searchCommand(dataDir: string, query: string, o: { session?: string; limit: number; json: boolean }) {
  const store = openStore(dataDir);
  try {
    while (store.search.indexBatch(1000) > 0); // what the engine had not indexed yet
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

function withIdleStore(dataDir: string, fn: (store: Store) => void): void {
  const running = engineOn(dataDir);
  if (running) {
    throw new Error(
      `an engine (pid ${running}) is running on ${dataDir}: use its Settings → Storage, or stop it first`,
    );
  }
  const store = openStore(dataDir);
  try {
    fn(store);
  } finally {
    store.close();
  }
}

function openStore(dataDir: string): Store {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, 'trajscope.sqlite'))) throw new Error(`no Trajscope data in ${dir}`);
  return new Store(dir);
}

/** The pid of a live engine that wrote the data dir's runtime.json, if any. */
function engineOn(dataDir: string): number | null {
  const file = join(resolve(dataDir), 'runtime.json');
  if (!existsSync(file)) return null;
  try {
    const pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid;
    if (typeof pid !== 'number') return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // unreadable, or that process is gone: a stale file from a crash
  }
}

const print = (line: string) => void process.stdout.write(line + '\n');
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
