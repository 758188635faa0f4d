// Retention: pruning a data dir by age or by session, and vacuuming it. Whole episodes go, with
// everything recorded under them, in one transaction; an episode carrying a human label stays
// unless asked (labels are the one thing a rerun cannot make again); an episode still open in the
// running engine always stays. A session goes when it has no episode left and is not live.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PruneResult, StorageStats } from '../../../shared/domain.ts';
import { deleteEpisodes, deleteSessions, tempSet } from './cascade.ts';
import type { Db } from './db.ts';

export interface PruneRequest {
  /** Episodes that started before this time (ms since the epoch). */
  before?: number;
  /** Episodes of these sessions. With `before` too, both must hold. */
  sessionKeys?: string[];
  includeLabeled?: boolean;
  dryRun?: boolean;
  /** Sessions the running engine holds: their open episodes and their rows stay. */
  live?: ReadonlySet<string>;
  /** Log files a running gateway still writes. */
  openLogFiles?: ReadonlySet<string>;
}

const CHOSEN = 'episode_id IN (SELECT id FROM temp.prune_episodes)';

export class RetentionRepo {
  readonly #db: Db;
  readonly #logDir: string;
  readonly #deleted: (goneSessions: string[]) => void;

  /** `deleted` runs after rows were removed, with the sessions removed (the store drops what it keeps). */
  constructor(db: Db, logDir: string, deleted: (goneSessions: string[]) => void) {
    this.#db = db;
    this.#logDir = logDir;
    this.#deleted = deleted;
  }

  /** `touched`: the sessions that lost episodes or were removed. */
  prune(req: PruneRequest): PruneResult & { touched: string[] } {
    const live = JSON.stringify([...(req.live ?? [])]);
    const keys = req.sessionKeys ? JSON.stringify(req.sessionKeys) : null;
    const dryRun = Boolean(req.dryRun);
    const result = this.#db.tx(() => {
      tempSet(this.#db, 'prune_episodes', 'id');
      const matching = `FROM episodes e
        WHERE (? IS NULL OR e.started_at < ?)
          AND (? IS NULL OR e.session_key IN (SELECT value FROM json_each(?)))
          AND NOT (e.status = 'open' AND e.session_key IN (SELECT value FROM json_each(?)))`;
      const args = [req.before ?? null, req.before ?? null, keys, keys, live];
      const labeled = "EXISTS (SELECT 1 FROM rewards r WHERE r.episode_id = e.id AND r.source = 'human')";
      const keptLabeled = req.includeLabeled
        ? 0
        : this.#db.get<{ n: number }>(`SELECT COUNT(*) AS n ${matching} AND ${labeled}`, ...args)!.n;
      this.#db.run(
        `INSERT INTO temp.prune_episodes SELECT e.id ${matching}${req.includeLabeled ? '' : ` AND NOT ${labeled}`}`,
        ...args,
      );
      const count = (sql: string) => this.#db.get<{ n: number }>(sql)!.n;
      const episodes = count('SELECT COUNT(*) AS n FROM temp.prune_episodes');
      const calls = count(`SELECT COUNT(*) AS n FROM upstream_calls WHERE ${CHOSEN}`);
      // sessions left with no episode, among those the request reaches, that the engine does not hold
      const orphaned = `SELECT s.key FROM sessions s
        WHERE s.key NOT IN (SELECT value FROM json_each(?))
          AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.session_key = s.key AND e.id NOT IN temp.prune_episodes)
          AND (? IS NULL OR s.key IN (SELECT value FROM json_each(?)))
          AND (? IS NULL OR s.created_at < ?)`;
      const orphanArgs = [live, keys, keys, req.before ?? null, req.before ?? null];
      const sessions = this.#db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (${orphaned})`, ...orphanArgs)!.n;
      if (dryRun) return { episodes, calls, sessions, keptLabeled, touched: [], goneKeys: [] as string[] };
      const touched = this.#db
        .all<{ key: string }>(
          `SELECT DISTINCT session_key AS key FROM episodes WHERE id IN temp.prune_episodes
           UNION SELECT key FROM (${orphaned})`,
          ...orphanArgs,
        )
        .map((r) => r.key);
      deleteEpisodes(this.#db, 'temp.prune_episodes');
      const gone = tempSet(this.#db, 'prune_sessions', 'key');
      this.#db.run(`INSERT INTO ${gone} ${orphaned}`, ...orphanArgs);
      const goneKeys = this.#db.all<{ key: string }>(`SELECT key FROM ${gone}`).map((r) => r.key);
      deleteSessions(this.#db, gone);
      // a gateway's log lines older than the cutoff go with the episodes they served
      if (req.before !== undefined) this.#db.run('DELETE FROM log_chunks WHERE at < ?', req.before);
      return { episodes, calls, sessions, keptLabeled, touched, goneKeys };
    });
    const { goneKeys, ...pruned } = result;
    if (!dryRun) this.#deleted(goneKeys);
    const logFiles = dryRun ? 0 : this.dropUnindexedLogs(req.openLogFiles ?? new Set());
    return { ...pruned, logFiles, dryRun };
  }

  /** Deletes the log files under `logs/` that no index row points at any more. */
  private dropUnindexedLogs(open: ReadonlySet<string>): number {
    const known = new Set(this.#db.all<{ file: string }>('SELECT DISTINCT file FROM log_chunks').map((r) => r.file));
    let removed = 0;
    const files = existsSync(this.#logDir) ? readdirSync(this.#logDir).filter((f) => f.endsWith('.log')) : [];
    for (const file of files.map((f) => join(this.#logDir, f))) {
      if (known.has(file) || open.has(file)) continue;
      rmSync(file, { force: true });
      removed++;
    }
    return removed;
  }

  /** Gives the space of deleted rows back to the file system (the database is rewritten). */
  vacuum(): { before: number; after: number } {
    const before = this.bytes();
    this.#db.run("INSERT INTO search_text (search_text) VALUES ('optimize')");
    this.#db.exec('VACUUM');
    this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return { before, after: this.bytes() };
  }

  /** The database file with its journal. */
  bytes(): number {
    return ['', '-wal'].reduce((n, suffix) => {
      const f = this.#db.path + suffix;
      return n + (existsSync(f) ? statSync(f).size : 0);
    }, 0);
  }

  stats(): Omit<StorageStats, 'searchPending'> {
    const n = (sql: string) => this.#db.get<{ n: number | null }>(sql)!.n ?? 0;
    const oldest = this.#db.get<{ at: number | null }>('SELECT MIN(started_at) AS at FROM episodes')!.at;
    return {
      bytes: this.bytes(),
      sessions: n('SELECT COUNT(*) AS n FROM sessions'),
      episodes: n('SELECT COUNT(*) AS n FROM episodes'),
      calls: n('SELECT COUNT(*) AS n FROM upstream_calls'),
      oldestAt: oldest,
    };
  }
}
