// Gateways' and the engine's memory and CPU over time. Samples are kept at the second for a day and
// as each minute's peak RSS and mean CPU for thirty days; marks (start, restart, crash, pressure,
// memory_growth) for thirty days. Bounded whatever runs: ten gateways for a day are ≈ 864k rows.
// In a file of their own (resources.sqlite, beside trajscope.sqlite): written each second whatever
// else happens, they never share a commit with what the engine records, so a full disk or a slow
// commit of telemetry never fails or delays a turn (the main store's group commit would make them).
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { ResourceMark, ResourceMarkKind, ResourceSeries, ResourceSource } from '../../../shared/resources.ts';
import { createPrivateFile, privateFile } from '../private-fs.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS resource_sources (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, session_key TEXT,
    first_at INTEGER NOT NULL, last_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS resource_seconds (
    source TEXT NOT NULL, at INTEGER NOT NULL, rss INTEGER, cpu REAL, PRIMARY KEY (source, at)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS resource_minutes (
    source TEXT NOT NULL, at INTEGER NOT NULL, rss INTEGER, cpu REAL, PRIMARY KEY (source, at)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS resource_marks (
    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, source TEXT, session_key TEXT,
    detail TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS resource_marks_at ON resource_marks(at);
  CREATE INDEX IF NOT EXISTS resource_sources_session ON resource_sources(session_key);
`;

/** The few calls the repository makes, over its own connection (no group commit: telemetry). */
class Conn {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  constructor(file: string) {
    createPrivateFile(file);
    this.#db = new DatabaseSync(file);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;');
    for (const f of [`${file}-wal`, `${file}-shm`]) privateFile(f);
    this.#db.exec(SCHEMA);
  }
  #stmt(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (!s) this.#statements.set(sql, (s = this.#db.prepare(sql)));
    return s;
  }
  run(sql: string, ...p: SQLInputValue[]): void {
    this.#stmt(sql).run(...p);
  }
  all<T>(sql: string, ...p: SQLInputValue[]): T[] {
    return this.#stmt(sql).all(...p) as T[];
  }
  tx(fn: () => void): void {
    this.#db.exec('BEGIN');
    try {
      fn();
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

export const SECONDS_KEPT_MS = 24 * 3600_000;
export const MINUTES_KEPT_MS = 30 * 24 * 3600_000;
/** Points per series a view gets at most; longer ranges are merged into wider buckets. */
export const MAX_POINTS = 86_400;

export interface Sample {
  source: string;
  rss: number | null;
  cpu: number | null;
}

/** node:sqlite binds every JS number as REAL: integer division needs the parameter cast. */
const INT = (p: string) => `CAST(${p} AS INTEGER)`;

interface SampleRow {
  source: string;
  t: number;
  rss: number | null;
  cpu: number | null;
}

export class ResourcesRepo {
  readonly #db: Conn;

  constructor(dataDir: string) {
    this.#db = new Conn(join(dataDir, 'resources.sqlite'));
  }

  close(): void {
    this.#db.close();
  }

  /** Sessions removed from the store: their gateways' samples, marks and names go too. */
  forgetSessions(keys: string[]): void {
    if (keys.length === 0) return;
    const list = JSON.stringify(keys);
    const sources = 'SELECT id FROM resource_sources WHERE session_key IN (SELECT value FROM json_each(?))';
    this.#db.tx(() => {
      this.#db.run(`DELETE FROM resource_seconds WHERE source IN (${sources})`, list);
      this.#db.run(`DELETE FROM resource_minutes WHERE source IN (${sources})`, list);
      this.#db.run('DELETE FROM resource_marks WHERE session_key IN (SELECT value FROM json_each(?))', list);
      this.#db.run('DELETE FROM resource_sources WHERE session_key IN (SELECT value FROM json_each(?))', list);
    });
  }

  /** Samples taken at one tick (`at` on the second). */
  sample(at: number, rows: Sample[]): void {
    this.#db.tx(() => {
      for (const r of rows)
        this.#db.run(
          'INSERT OR REPLACE INTO resource_seconds (source, at, rss, cpu) VALUES (?, ?, ?, ?)',
          r.source,
          at,
          r.rss,
          r.cpu,
        );
    });
  }

  /** A source seen now: created, or its label, session and last sight brought up to date. */
  seen(s: Omit<ResourceSource, 'firstAt' | 'lastAt'>, at: number): void {
    this.#db.run(
      `INSERT INTO resource_sources (id, kind, label, session_key, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET
         label = excluded.label, session_key = excluded.session_key, last_at = excluded.last_at`,
      s.id,
      s.kind,
      s.label,
      s.sessionKey,
      at,
      at,
    );
  }

  mark(m: ResourceMark): void {
    this.#db.run(
      'INSERT INTO resource_marks (at, kind, source, session_key, detail) VALUES (?, ?, ?, ?, ?)',
      m.at,
      m.kind,
      m.source,
      m.sessionKey,
      m.detail,
    );
  }

  /** The minute starting at `minute` (ms) merged into its peak RSS and mean CPU per source. */
  rollUp(minute: number): void {
    this.#db.run(
      `INSERT OR REPLACE INTO resource_minutes (source, at, rss, cpu)
       SELECT source, ?, MAX(rss), AVG(cpu) FROM resource_seconds WHERE at >= ? AND at < ? GROUP BY source`,
      minute,
      minute,
      minute + 60_000,
    );
  }

  /** The lowest RSS of each `windowMs` window since `since`, oldest first (a gateway's idle floor). */
  floors(source: string, since: number, windowMs: number): Array<{ at: number; rss: number }> {
    return this.#db.all<{ at: number; rss: number }>(
      `SELECT w * ${INT('?')} AS at, MIN(rss) AS rss
       FROM (SELECT at / ${INT('?')} AS w, rss FROM resource_seconds WHERE source = ? AND at >= ? AND rss IS NOT NULL)
       GROUP BY w ORDER BY w`,
      windowMs,
      windowMs,
      source,
      since,
    );
  }

  /** Drops what is older than it is kept for. */
  prune(now: number): void {
    this.#db.tx(() => {
      this.#db.run('DELETE FROM resource_seconds WHERE at < ?', now - SECONDS_KEPT_MS);
      this.#db.run('DELETE FROM resource_minutes WHERE at < ?', now - MINUTES_KEPT_MS);
      this.#db.run('DELETE FROM resource_marks WHERE at < ?', now - MINUTES_KEPT_MS);
      this.#db.run('DELETE FROM resource_sources WHERE last_at < ?', now - MINUTES_KEPT_MS);
    });
  }

  /**
   * Every source's samples between `from` and `to` on one time axis: at the second where the range
   * lies within the last day, else by the minute; merged into wider buckets past MAX_POINTS.
   */
  series(from: number, to: number, now = Date.now()): ResourceSeries {
    const resolution = from >= now - SECONDS_KEPT_MS ? 'seconds' : 'minutes';
    const base = resolution === 'seconds' ? 1000 : 60_000;
    const step = Math.max(base, Math.ceil((to - from) / MAX_POINTS / base) * base);
    const table = resolution === 'seconds' ? 'resource_seconds' : 'resource_minutes';
    const sources = this.#db
      .all<{
        id: string;
        kind: 'gateway' | 'engine';
        label: string;
        session_key: string | null;
        first_at: number;
        last_at: number;
      }>(
        `SELECT * FROM resource_sources WHERE first_at <= ? AND last_at >= ? ORDER BY kind = 'engine' DESC, first_at`,
        to,
        from - step,
      )
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        label: r.label,
        sessionKey: r.session_key,
        firstAt: r.first_at,
        lastAt: r.last_at,
      }));
    const rows: SampleRow[][] = sources.map((s) =>
      step === base
        ? this.#db.all<SampleRow>(
            `SELECT source, at AS t, rss, cpu FROM ${table} WHERE source = ? AND at >= ? AND at <= ? ORDER BY at`,
            s.id,
            from,
            to,
          )
        : this.#db.all<SampleRow>(
            `SELECT source, w * ${INT('?')} AS t, MAX(rss) AS rss, AVG(cpu) AS cpu
             FROM (SELECT source, at / ${INT('?')} AS w, rss, cpu FROM ${table}
               WHERE source = ? AND at >= ? AND at <= ?)
             GROUP BY w ORDER BY w`,
            step,
            step,
            s.id,
            from,
            to,
          ),
    );
    const times = [...new Set(rows.flatMap((rs) => rs.map((r) => r.t)))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const column = (rs: SampleRow[], pick: (r: SampleRow) => number | null) => {
      const out: Array<number | null> = new Array<number | null>(times.length).fill(null);
      for (const r of rs) out[index.get(r.t)!] = pick(r);
      return out;
    };
    const marks = this.#db
      .all<{
        at: number;
        kind: ResourceMarkKind;
        source: string | null;
        session_key: string | null;
        detail: string;
      }>(
        'SELECT at, kind, source, session_key, detail FROM resource_marks WHERE at >= ? AND at <= ? ORDER BY at, id',
        from,
        to,
      )
      .map((m) => ({ at: m.at, kind: m.kind, source: m.source, sessionKey: m.session_key, detail: m.detail }));
    return {
      from,
      to,
      step: step / 1000,
      resolution,
      times,
      sources,
      rss: rows.map((rs) => column(rs, (r) => r.rss)),
      cpu: rows.map((rs) => column(rs, (r) => (r.cpu === null ? null : Math.round(r.cpu * 10) / 10))),
      marks,
    };
  }
}
