// The store: one SQLite database, its tables grouped into repositories. Writes commit in groups
// (db.ts): whatever acknowledges one to the world waits for `durable()` first. The connection itself
// stays private.
import { AlertsRepo } from './alerts-repo.ts';
import { CallsRepo } from './calls-repo.ts';
import { Db } from './db.ts';
import { EpisodesRepo } from './episodes-repo.ts';
import { LogsRepo } from './logs-repo.ts';
import { RewardsRepo } from './rewards-repo.ts';
import { SessionsRepo } from './sessions-repo.ts';
import { SettingsRepo } from './settings-repo.ts';
import { TurnsRepo } from './turns-repo.ts';
import { SeatsRepo } from './seats-repo.ts';
import { UpstreamsRepo } from './upstreams-repo.ts';
import { SearchRepo } from './search-repo.ts';
import { RetentionRepo } from './retention-repo.ts';
import { ResourcesRepo } from './resources-repo.ts';
import { StatsRepo } from './stats-repo.ts';
import { join } from 'node:path';
import { DataDirLock } from './data-dir-lock.ts';
import { deleteEpisodes, deleteSessions as deleteSessionRows, tempSet } from './cascade.ts';

export class Store {
  readonly #db: Db;
  readonly sessions: SessionsRepo;
  readonly episodes: EpisodesRepo;
  readonly turns: TurnsRepo;
  readonly calls: CallsRepo;
  readonly rewards: RewardsRepo;
  readonly alerts: AlertsRepo;
  readonly logs: LogsRepo;
  readonly settings: SettingsRepo;
  readonly upstreams: UpstreamsRepo;
  readonly seats: SeatsRepo;
  readonly search: SearchRepo;
  readonly retention: RetentionRepo;
  /** Gateways' and the engine's RSS and CPU over time, in their own file (null for a reading connection). */
  readonly resources: ResourcesRepo | null;
  /** Numbers for the reward and call charts. */
  readonly stats: StatsRepo;
  /** The data dir's engine lock, held while this store may write (null for a reading connection). */
  readonly lock: DataDirLock | null;

  /**
   * A writing store takes the data dir's lock first (DataDirBusyError while another engine holds
   * it: nothing is touched). `readOnly`: a second connection, for reading only, needs no lock.
   * `startedBy` says how this engine was started, for the message a second one gets.
   */
  constructor(
    dataDir: string,
    opts: { readOnly?: boolean; startedBy?: string; integrity?: 'sync' | 'background' | 'auto' } = {},
  ) {
    this.lock = opts.readOnly ? null : DataDirLock.acquire(dataDir, opts.startedBy);
    try {
      this.#db = new Db(dataDir, opts);
    } catch (err) {
      this.lock?.release();
      throw err;
    }
    this.sessions = new SessionsRepo(this.#db);
    this.episodes = new EpisodesRepo(this.#db);
    this.turns = new TurnsRepo(this.#db);
    this.calls = new CallsRepo(this.#db);
    this.rewards = new RewardsRepo(this.#db);
    this.alerts = new AlertsRepo(this.#db);
    this.logs = new LogsRepo(this.#db);
    this.settings = new SettingsRepo(this.#db);
    this.upstreams = new UpstreamsRepo(this.#db);
    this.seats = new SeatsRepo(this.#db);
    this.search = new SearchRepo(this.#db);
    this.resources = opts.readOnly ? null : new ResourcesRepo(dataDir);
    this.stats = new StatsRepo(this.#db);
    this.retention = new RetentionRepo(this.#db, join(dataDir, 'logs'), (gone) => {
      this.#forgetCaches();
      this.resources?.forgetSessions(gone);
    });
  }

  get path(): string {
    return this.#db.path;
  }

  get schemaVersion(): number {
    return this.#db.schemaVersion;
  }

  /** Runs `fn` once damage is found while the store is open (every write is refused from then on). */
  onDamaged(fn: (err: Error) => void): void {
    this.#db.onDamaged = fn;
  }

  /** Resolves once every write made so far is committed; rejects if it could not be. */
  durable(): Promise<void> {
    return this.#db.durable();
  }

  /** Commits what is waiting now (a command-line tool about to exit, a test about to look from outside). */
  commit(): void {
    this.#db.commit();
  }

  /** Runs `fn` in one transaction: all of it commits, or none of it. */
  tx<T>(fn: () => T): T {
    try {
      return this.#db.tx(fn);
    } catch (err) {
      // rolled back: rows the repositories cached while it ran may not exist
      if (!this.#db.inTransaction) this.#forgetCaches();
      throw err;
    }
  }

  /** Marks work a previous process left half-done: running turns and unfinished calls fail. */
  recoverInterrupted(now = Date.now()): { turns: number; calls: number } {
    return this.#db.tx(() => ({
      turns: this.#db.run(
        // an inferred turn (an external agent's) is still open: its agent may go on calling
        `UPDATE turns SET status = 'failed', error = 'the host stopped during this turn', ended_at = ?
         WHERE status = 'running' AND inferred = 0`,
        now,
      ).changes,
      calls: this.#db.run(
        `UPDATE upstream_calls SET error = 'the host stopped during this call', outcome = 'interrupted', ended_at = ?
         WHERE ended_at IS NULL`,
        now,
      ).changes,
    }));
  }

  /**
   * Removes sessions with everything recorded under them, in one transaction. Episodes elsewhere
   * that replayed one of them keep their record of it (metadata) but lose the link.
   */
  deleteSessions(keys: string[]): number {
    if (keys.length === 0) return 0;
    const list = JSON.stringify(keys);
    return this.#db.tx(() => {
      const episodes = tempSet(this.#db, 'delete_episodes', 'id');
      this.#db.run(
        `INSERT INTO ${episodes} SELECT id FROM episodes WHERE session_key IN (SELECT value FROM json_each(?))`,
        list,
      );
      deleteEpisodes(this.#db, episodes);
      const sessions = tempSet(this.#db, 'delete_sessions', 'key');
      this.#db.run(`INSERT OR IGNORE INTO ${sessions} SELECT value FROM json_each(?)`, list);
      const n = deleteSessionRows(this.#db, sessions);
      this.#forgetCaches();
      this.resources?.forgetSessions(keys);
      return n;
    });
  }

  /** After a bulk delete: rows the repositories keep in memory may be gone. */
  #forgetCaches(): void {
    this.sessions.forget();
    this.episodes.forget();
    this.turns.forgetHistories();
  }

  close(): void {
    this.resources?.close();
    this.#db.close();
    this.lock?.release();
  }
}
