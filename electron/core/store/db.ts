// The SQLite connection: Node's built-in node:sqlite (no native module to rebuild for Electron),
// WAL journal, one writer, cached prepared statements and explicit transactions.
// Over 300 lines: statements, transactions, group commit and fault handling share the one
// connection's state (its depth, open group and damage); split, each part would reach into it.
//
// Group commit: writes join one open transaction that commits once the event loop has run what
// was ready (setImmediate), so concurrent turns share a commit instead of paying for four each.
// `tx()` is a savepoint inside it (all or nothing, as before); a lone statement is atomic by
// itself. Reads on this connection see what is written at once. Nothing may be acknowledged to
// anyone outside the process before `durable()` resolves: the HTTP servers and the API hosts wait
// for it before an answer completes, the recorder before it forwards a request.
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { HttpError } from '../http/errors.ts';
import { createPrivateFile, privateDir, privateFile } from '../private-fs.ts';
import { Checkpointer } from './checkpointer.ts';
import { checkAtOpen, damaged, storageFault, StoreDamagedError } from './faults.ts';
import { MIGRATIONS } from './migrations.ts';

export type Row = Record<string, SQLInputValue>;

/** Statements one group may hold before it commits at the next chance (a long synchronous loop). */
const MAX_GROUP = 2000;
/** Commits after which checkpoints move to their own thread (a short-lived connection never pays for one). */
const CHECKPOINTER_AFTER = 200;

interface Group {
  statements: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Db {
  readonly path: string;
  /** A second connection for reading only: it sees what is committed, never writes. */
  readonly readOnly: boolean;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private depth = 0;
  /** The open group transaction, if any writes are waiting for their commit. */
  private group: Group | null = null;
  private commits = 0;
  private checkpointer: Checkpointer | null = null;
  /** Told when writes are lost (a group that could not commit): caches of what they wrote must go. */
  private readonly lostListeners: Array<() => void> = [];

  /** `readOnly`: a second connection (the analysis worker's); `integrity`: when faults.ts checks the file. */
  constructor(dataDir: string, opts: { readOnly?: boolean; integrity?: 'sync' | 'background' | 'auto' } = {}) {
    this.path = join(dataDir, 'trajscope.sqlite');
    this.readOnly = opts.readOnly === true;
    if (opts.readOnly) {
      this.db = new DatabaseSync(this.path, { readOnly: true });
      this.db.exec('PRAGMA busy_timeout = 5000');
      return;
    }
    privateDir(dataDir);
    // created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database's mode
    createPrivateFile(this.path);
    this.db = new DatabaseSync(this.path); // opens lazily: a damaged file shows at the first statement
    try {
      // WAL + synchronous=NORMAL: a commit survives the process being killed at any point
      // (tested with SIGKILL); only an OS crash or power loss can drop the last commits.
      this.db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
      );
      for (const f of [`${this.path}-wal`, `${this.path}-shm`]) privateFile(f); // left wider by an earlier run
      this.background = checkAtOpen(this.db, this.path, opts.integrity ?? 'auto', (e) => this.damaged(e));
      this.migrate();
    } catch (err) {
      this.db.close();
      if (err instanceof StoreDamagedError) throw err;
      if (/malformed|not a database|corrupt/i.test((err as Error).message))
        throw damaged(this.path, (err as Error).message);
      throw err;
    }
  }

  /** Damage found after the engine started (the check on a worker, a write that met it): writes are refused. */
  private damage: StoreDamagedError | null = null;
  private background: { stop(): void } | null = null;
  onDamaged: (err: StoreDamagedError) => void = () => {}; // told once, when damage is found

  private damaged(err: StoreDamagedError): void {
    if (!this.damage) this.onDamaged((this.damage = err));
  }

  private migrate(): void {
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    );
    const done = new Set(this.all<{ version: number }>('SELECT version FROM schema_migrations').map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      // foreign keys cannot be switched inside a transaction; a rebuild turns them off around it
      if (m.rebuild) this.db.exec('PRAGMA foreign_keys = OFF');
      try {
        // each migration commits on its own, before the next one (or the first write) runs
        this.db.exec('BEGIN IMMEDIATE');
        try {
          this.db.exec(m.sql);
          if (m.rebuild && this.all('PRAGMA foreign_key_check').length > 0) {
            throw new Error(`migration ${m.version} (${m.name}) would break foreign keys`);
          }
          this.stmt('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
            m.version,
            m.name,
            Date.now(),
          );
          this.db.exec('COMMIT');
        } catch (err) {
          this.db.exec('ROLLBACK');
          throw err;
        }
      } finally {
        if (m.rebuild) this.db.exec('PRAGMA foreign_keys = ON');
      }
    }
  }

  get schemaVersion(): number {
    return this.get<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations')?.v ?? 0;
  }

  private stmt(sql: string, arrays = false): StatementSync {
    const key = arrays ? `arrays:${sql}` : sql;
    let s = this.statements.get(key);
    if (!s) {
      s = this.db.prepare(sql);
      s.setReturnArrays(arrays);
      this.statements.set(key, s);
    }
    return s;
  }

  run(sql: string, ...params: SQLInputValue[]): { changes: number } {
    const statement = this.stmt(sql);
    this.write();
    try {
      return { changes: Number(statement.run(...params).changes) };
    } catch (err) {
      this.checkGroup(err as Error);
      throw this.storageError(err);
    }
  }

  /** A write that answers with a row (`INSERT … RETURNING`, `UPDATE … RETURNING`). */
  returning<T>(sql: string, ...params: SQLInputValue[]): T | undefined {
    const statement = this.stmt(sql);
    this.write();
    try {
      return statement.get(...params) as T | undefined;
    } catch (err) {
      this.checkGroup(err as Error);
      throw this.storageError(err);
    }
  }

  /** Runs `fn` whenever uncommitted writes are lost. */
  onLost(fn: () => void): void {
    this.lostListeners.push(fn);
  }

  get<T>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  /** Statements that take no parameters and are run once (DDL, VACUUM, pragmas); outside a
   * transaction, what is waiting commits first. */
  exec(sql: string): void {
    if (this.depth === 0) this.commit();
    this.db.exec(sql);
  }

  all<T>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  /** Rows as arrays of their columns in order: for large reads (no object per row; ≈ 1.5× faster). */
  allArrays<T extends unknown[]>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.stmt(sql, true).all(...params) as unknown as T[];
  }

  /** Rows one at a time, for a reader that may stop early. */
  each<T>(sql: string, ...params: SQLInputValue[]): IterableIterator<T> {
    return this.stmt(sql).iterate(...params) as IterableIterator<T>;
  }

  /** Runs `fn` in one transaction (nested calls join the outer one); all or nothing. */
  tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.write();
    this.db.exec('SAVEPOINT tx');
    this.depth++;
    try {
      const out = fn();
      this.db.exec('RELEASE tx');
      return out;
    } catch (err) {
      if (this.db.isTransaction) {
        this.db.exec('ROLLBACK TO tx');
        this.db.exec('RELEASE tx');
      } else {
        this.checkGroup(err as Error);
      }
      throw this.storageError(err);
    } finally {
      this.depth--;
    }
  }

  /** Whether a `tx()` is running (its writes can still be undone by the code around it). */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** Resolves once every write made so far is committed; rejects if their group could not commit. */
  durable(): Promise<void> {
    return this.group?.done ?? Promise.resolve();
  }

  /** Opens the group transaction for a write, committing a full one first (only between transactions). */
  private write(): void {
    if (this.damage) throw new HttpError(500, this.damage.message, 'storage_damaged');
    if (this.depth > 0) return;
    if (this.group && this.group.statements >= MAX_GROUP) this.commit();
    if (this.group) {
      this.group.statements++;
      return;
    }
    this.db.exec('BEGIN IMMEDIATE');
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    // a failed group is reported to whoever waits for it; nobody waiting is not an unhandled error
    done.catch(() => {});
    this.group = { statements: 1, done, resolve, reject };
    setImmediate(() => this.commit());
  }

  /** Commits the open group, if any, now. */
  commit(): void {
    const g = this.group;
    if (!g || this.depth > 0) return;
    this.group = null;
    try {
      this.db.exec('COMMIT');
      g.resolve();
      if (this.checkpointer) this.checkpointer.committed();
      else if (++this.commits === CHECKPOINTER_AFTER) this.startCheckpointer();
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.lost();
      const e = this.storageError(err);
      g.reject(e instanceof HttpError ? e : new Error(`the database could not commit: ${(err as Error).message}`));
    }
  }

  private startCheckpointer(): void {
    try {
      this.checkpointer = new Checkpointer(
        this.path,
        (m) => process.emitWarning(`trajscope: ${m}`),
        () => {
          this.checkpointer = null;
          if (this.db.isOpen) this.db.exec('PRAGMA wal_autocheckpoint = 1000');
        },
      );
      this.db.exec('PRAGMA wal_autocheckpoint = 0');
    } catch (err) {
      process.emitWarning(`trajscope: checkpoints stay on the engine's thread: ${(err as Error).message}`);
    }
  }

  /** SQLite rolls the whole transaction back on some errors (a full disk): its group is lost. */
  private checkGroup(err: Error): void {
    const g = this.group;
    if (!g || this.db.isTransaction) return;
    this.group = null;
    this.lost();
    const e = this.storageError(err);
    g.reject(e instanceof HttpError ? e : new Error(`the database rolled back uncommitted writes: ${err.message}`));
  }

  /** A full disk or a damaged file as the clear error it is (faults.ts); anything else as it is. */
  private storageError(err: unknown): unknown {
    const fault = storageFault(err, this.path);
    if (fault?.type === 'storage_damaged') this.damaged(damaged(this.path, (err as Error).message));
    return fault ?? err;
  }

  private lost(): void {
    for (const fn of this.lostListeners) fn();
  }

  close(): void {
    if (!this.db.isOpen) return;
    this.background?.stop();
    this.commit();
    this.checkpointer?.close();
    this.checkpointer = null;
    this.statements.clear();
    this.db.close();
  }
}
