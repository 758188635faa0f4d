// Sessions: one row per session key, with the runtime it runs on.
import type { Page, RuntimeKind, SessionOrigin } from '../../../shared/domain.ts';
import type { Db } from './db.ts';
import { decodeCursor, pageLimit, toPage } from './page.ts';

/** A session as stored: its runtime and origin, when it was created and closed. */
export interface StoredSession {
  key: string;
  runtime: RuntimeKind;
  origin: SessionOrigin;
  createdAt: number;
  closedAt: number | null;
  /** The settings the session runs with beyond the engine's (a replay's or a group's overrides). */
  runOptions: Record<string, unknown> | null;
}

/** A session's counts, as the rail shows them. */
export interface SessionStats {
  episodeCount: number;
  turnCount: number;
  openEpisodeId: string | null;
  lastReward: number | null;
  alertCount: number;
  toolErrorTurns: number;
  callsWithTokenIds: number;
  callsWithoutTokenIds: number;
}

interface SessionRow {
  key: string;
  runtime: RuntimeKind;
  origin: SessionOrigin;
  created_at: number;
  closed_at: number | null;
  run_options: string | null;
}

function toStoredSession(r: SessionRow): StoredSession {
  return {
    key: r.key,
    runtime: r.runtime,
    origin: r.origin,
    createdAt: r.created_at,
    closedAt: r.closed_at,
    runOptions: r.run_options === null ? null : (JSON.parse(r.run_options) as Record<string, unknown>),
  };
}

export class SessionsRepo {
  readonly #db: Db;
  /**
   * Rows as stored, read several times a turn; every write here drops the row's copy, and a bulk
   * delete or lost writes drop them all (forget). Only the writing connection keeps them.
   */
  readonly #rows = new Map<string, StoredSession>();

  constructor(db: Db) {
    this.#db = db;
    db.onLost(() => this.forget());
  }

  /** Drops every cached row. */
  forget(): void {
    this.#rows.clear();
  }

  /** Creates the session, or reopens it if it was closed. */
  ensure(key: string, runtime: RuntimeKind, now = Date.now(), origin: SessionOrigin = 'live'): StoredSession {
    this.#db.run(
      `INSERT INTO sessions (key, runtime, created_at, origin) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET closed_at = NULL`,
      key,
      runtime,
      now,
      origin,
    );
    this.#rows.delete(key);
    return this.get(key)!;
  }

  setRunOptions(key: string, options: Record<string, unknown>): void {
    this.#db.run('UPDATE sessions SET run_options = ? WHERE key = ?', JSON.stringify(options), key);
    this.#rows.delete(key);
  }

  setRuntime(key: string, runtime: RuntimeKind): void {
    this.#db.run('UPDATE sessions SET runtime = ? WHERE key = ?', runtime, key);
    this.#rows.delete(key);
  }

  get(key: string): StoredSession | undefined {
    const cached = this.#rows.get(key);
    if (cached) return { ...cached };
    const raw = this.#db.get<SessionRow>('SELECT * FROM sessions WHERE key = ?', key);
    const row = raw && toStoredSession(raw);
    if (row && !this.#db.readOnly) {
      if (this.#rows.size >= 4096) this.#rows.delete(this.#rows.keys().next().value!);
      this.#rows.set(key, row);
    }
    return row && { ...row };
  }

  /** Newest first. */
  list(opts: { limit?: number; cursor?: string } = {}): Page<StoredSession> {
    const limit = pageLimit(opts.limit);
    const rows = opts.cursor
      ? this.#db.all<SessionRow>(
          'SELECT * FROM sessions WHERE (created_at, key) < (?, ?) ORDER BY created_at DESC, key DESC LIMIT ?',
          ...decodeCursor(opts.cursor, ['number', 'string']),
          limit + 1,
        )
      : this.#db.all<SessionRow>('SELECT * FROM sessions ORDER BY created_at DESC, key DESC LIMIT ?', limit + 1);
    return toPage(rows, limit, (r) => [r.created_at, r.key], toStoredSession);
  }

  count(): number {
    return this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions')!.n;
  }

  stats(key: string): SessionStats {
    return this.#db.get<SessionStats>(
      `SELECT
        (SELECT COUNT(*) FROM episodes WHERE session_key = ?1) AS episodeCount,
        (SELECT COUNT(*) FROM turns WHERE session_key = ?1) AS turnCount,
        (SELECT id FROM episodes WHERE session_key = ?1 AND status = 'open') AS openEpisodeId,
        (SELECT r.value FROM rewards r WHERE r.episode_id IN (SELECT id FROM episodes WHERE session_key = ?1)
          ORDER BY r.seq DESC LIMIT 1) AS lastReward,
        (SELECT COUNT(*) FROM alerts WHERE session_key = ?1) AS alertCount,
        (SELECT COUNT(*) FROM turns WHERE session_key = ?1 AND tool_errors > 0) AS toolErrorTurns,
        (SELECT COUNT(*) FROM upstream_calls WHERE outcome = 'complete' AND token_ids = 1
          AND episode_id IN (SELECT id FROM episodes WHERE session_key = ?1)) AS callsWithTokenIds,
        (SELECT COUNT(*) FROM upstream_calls WHERE outcome = 'complete' AND token_ids = 0
          AND episode_id IN (SELECT id FROM episodes WHERE session_key = ?1)) AS callsWithoutTokenIds`,
      key,
    )!;
  }

  /** Removes a session that no longer has any episode (one whose only episode moved elsewhere). */
  removeIfEmpty(key: string): void {
    this.#db.run(
      'DELETE FROM sessions WHERE key = ? AND NOT EXISTS (SELECT 1 FROM episodes WHERE session_key = ?)',
      key,
      key,
    );
    this.#rows.delete(key);
  }

  keysWithOrigin(origin: SessionOrigin): string[] {
    return this.#db.all<{ key: string }>('SELECT key FROM sessions WHERE origin = ?', origin).map((r) => r.key);
  }

  markClosed(key: string, now = Date.now()): void {
    this.#db.run('UPDATE sessions SET closed_at = ? WHERE key = ? AND closed_at IS NULL', now, key);
    this.#rows.delete(key);
  }
}
