// Leak alerts with their evidence, listed newest first and filtered in SQL.
import type { AlertMap } from '../../../shared/api.ts';
import type { Alert, AlertEvidence, AlertKind, Page } from '../../../shared/domain.ts';
import type { Db } from './db.ts';
import { newId } from './ids.ts';
import { decodeCursor, pageLimit, toPage } from './page.ts';
import { toAlert, type AlertRow } from './rows.ts';

export interface AlertFilter {
  sessionKey?: string;
  episodeId?: string;
  turnId?: string;
  kind?: AlertKind;
  limit?: number;
  cursor?: string;
}

/** An alert with the numbers of its episode and turn. */
const SELECT = `SELECT a.*, e.idx AS episode_index, t.idx AS turn_index FROM alerts a
  LEFT JOIN episodes e ON e.id = a.episode_id LEFT JOIN turns t ON t.id = a.turn_id`;

/** The most cells the alert map holds (1,000 sessions × 50 episodes). */
const MAP_CELLS = 50_000;

export class AlertsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  insert(a: Omit<Alert, 'id' | 'createdAt'> & { now?: number }): Alert {
    const id = newId('al');
    this.#db.run(
      `INSERT INTO alerts (id, kind, severity, session_key, episode_id, turn_id, call_id, message, evidence, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      a.kind,
      a.severity,
      a.sessionKey,
      a.episodeId,
      a.turnId,
      a.callId,
      a.message,
      JSON.stringify(a.evidence.map((e) => this.#located(e))),
      a.now ?? Date.now(),
    );
    return toAlert(this.#db.get<AlertRow>(`${SELECT} WHERE a.id = ?`, id)!);
  }

  #withSources(a: Alert): Alert {
    if (!a.evidence.some((e) => e.sourceEpisodeId && !e.source)) return a;
    return { ...a, evidence: a.evidence.map((e) => (e.source ? e : this.#located(e))) };
  }

  /** Evidence with its source named by session, episode and turn number (ids alone say nothing to a reader). */
  #located(e: AlertEvidence): AlertEvidence {
    if (!e.sourceEpisodeId) return e;
    const where = this.#db.get<{ session_key: string; episode_index: number; turn_index: number | null }>(
      `SELECT e.session_key, e.idx AS episode_index, t.idx AS turn_index FROM episodes e
       LEFT JOIN turns t ON t.id = ? AND t.episode_id = e.id WHERE e.id = ?`,
      e.sourceTurnId ?? '',
      e.sourceEpisodeId,
    );
    if (!where) return e;
    return {
      ...e,
      source: { sessionKey: where.session_key, episodeIndex: where.episode_index, turnIndex: where.turn_index },
    };
  }

  /** Newest first. */
  list(f: AlertFilter = {}): Page<Alert> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    eq('a.session_key', f.sessionKey);
    eq('a.episode_id', f.episodeId);
    eq('a.turn_id', f.turnId);
    eq('a.kind', f.kind);
    if (f.cursor) {
      where.push('(a.created_at, a.id) < (?, ?)');
      params.push(...decodeCursor(f.cursor, ['number', 'string']));
    }
    const limit = pageLimit(f.limit);
    const rows = this.#db.all<AlertRow>(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    // alerts stored before evidence named its source by numbers are named when read
    return toPage(
      rows,
      limit,
      (r) => [r.created_at, r.id],
      (r) => this.#withSources(toAlert(r)),
    );
  }

  /** Alerts counted by episode and kind, sessions in the order of their first alert. */
  map(max = MAP_CELLS): AlertMap {
    const rows = this.#db.all<{
      session_key: string;
      episode_id: string;
      episode_index: number;
      kind: AlertKind;
      n: number;
      first_at: number;
    }>(
      `SELECT a.session_key, a.episode_id, e.idx AS episode_index, a.kind, COUNT(*) AS n, MIN(a.created_at) AS first_at
       FROM alerts a JOIN episodes e ON e.id = a.episode_id
       GROUP BY a.episode_id, a.kind
       ORDER BY MIN(MIN(a.created_at)) OVER (PARTITION BY a.session_key), a.session_key, e.idx, a.kind
       LIMIT ?`,
      max + 1,
    );
    return {
      cells: rows.slice(0, max).map((r) => ({
        sessionKey: r.session_key,
        episodeId: r.episode_id,
        episodeIndex: r.episode_index,
        kind: r.kind,
        count: r.n,
        firstAt: r.first_at,
      })),
      truncated: rows.length > max,
    };
  }

  /** How many alerts an episode (or a turn) raised. */
  count(f: { episodeId?: string; turnId?: string }): number {
    if (f.turnId) return this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM alerts WHERE turn_id = ?', f.turnId)!.n;
    return this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM alerts WHERE episode_id = ?', f.episodeId ?? '')!.n;
  }

  /** The kinds raised on a turn, oldest first. */
  kindsOfTurn(turnId: string): AlertKind[] {
    return this.#db
      .all<{ kind: AlertKind }>('SELECT kind FROM alerts WHERE turn_id = ? ORDER BY created_at, id', turnId)
      .map((r) => r.kind);
  }
}
