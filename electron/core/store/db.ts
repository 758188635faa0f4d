// The SQLite connection: Node's built-in node:sqlite (no native module to rebuild for Electron),
// WAL journal, one writer, cached prepared statements and explicit transactions.
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { createPrivateFile, privateDir, privateFile } from '../private-fs.ts';
import { MIGRATIONS } from './migrations.ts';

export type Row = Record<string, SQLInputValue>;

export class Db {
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private depth = 0;

  constructor(dataDir: string) {
    privateDir(dataDir);
    this.path = join(dataDir, 'trajscope.sqlite');
    // created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database's mode
    createPrivateFile(this.path);
    this.db = new DatabaseSync(this.path);
    // WAL + synchronous=NORMAL: a commit survives the process being killed at any point
    // (tested with SIGKILL); only an OS crash or power loss can drop the last commits.
    this.db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
    );
    for (const f of [`${this.path}-wal`, `${this.path}-shm`]) privateFile(f); // left wider by an earlier run
    this.migrate();
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
        this.tx(() => {
          this.db.exec(m.sql);
          if (m.rebuild && this.all('PRAGMA foreign_key_check').length > 0) {
            throw new Error(`migration ${m.version} (${m.name}) would break foreign keys`);
          }
          this.run(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
            m.version,
            m.name,
            Date.now(),
          );
        });
      } finally {
        if (m.rebuild) this.db.exec('PRAGMA foreign_keys = ON');
      }
    }
  }

  get schemaVersion(): number {
    return this.get<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations')?.v ?? 0;
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  run(sql: string, ...params: SQLInputValue[]): { changes: number } {
    const r = this.stmt(sql).run(...params);
    return { changes: Number(r.changes) };
  }

  get<T>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  /** Statements that take no parameters and are run once (DDL, VACUUM, pragmas). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  all<T>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  /** Runs `fn` in one transaction (nested calls join the outer one); all or nothing. */
  tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    this.depth++;
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    } finally {
      this.depth--;
    }
  }

  close(): void {
    if (!this.db.isOpen) return;
    this.statements.clear();
    this.db.close();
  }
}
