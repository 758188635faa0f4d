// Leak alerts with their evidence, listed newest first and filtered in SQL.
import type { AlertMap, TurnAlertMap } from '../../../shared/api.ts';
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

  /**
   * Alerts counted by episode and kind, sessions in the order of their first alert. Past `max`
   * cells, the oldest sessions' (a second, ordered query: the common case needs no sort in SQL).
   */
  map(max = MAP_CELLS): AlertMap {
    // session, episode id, episode index, kind, count, first at (columns: 50,000 cells read as objects cost 1.5×)
    type Row = [string, string, number, AlertKind, number, number];
    const grouped = `SELECT a.session_key, a.episode_id, e.idx, a.kind, COUNT(*), MIN(a.created_at) AS first_at
       FROM alerts a JOIN episodes e ON e.id = a.episode_id GROUP BY a.episode_id, a.kind`;
    let rows = this.#db.allArrays<Row>(`${grouped} LIMIT ?`, max + 1);
    const truncated = rows.length > max;
    if (truncated)
      rows = this.#db.allArrays<Row>(
        `SELECT * FROM (${grouped}) ORDER BY MIN(first_at) OVER (PARTITION BY session_key), session_key LIMIT ?`,
        max,
      );
    const firstOf = new Map<string, number>();
    for (const [key, , , , , first] of rows) firstOf.set(key, Math.min(firstOf.get(key) ?? Infinity, first));
    const sessions = [...firstOf.keys()].sort((a, b) => firstOf.get(a)! - firstOf.get(b)! || a.localeCompare(b));
    const sessionAt = new Map(sessions.map((k, i) => [k, i]));
    const kinds: AlertKind[] = [];
    const kindAt = new Map<AlertKind, number>();
    const cells: AlertMap['cells'] = { session: [], episodeIndex: [], episodeId: [], kind: [], count: [], firstAt: [] };
    for (const [key, episodeId, idx, kind, n, first] of rows) {
      let k = kindAt.get(kind);
      if (k === undefined) {
        k = kinds.push(kind) - 1;
        kindAt.set(kind, k);
      }
      cells.session.push(sessionAt.get(key)!);
      cells.episodeIndex.push(idx);
      cells.episodeId.push(episodeId);
      cells.kind.push(k);
      cells.count.push(n);
      cells.firstAt.push(first);
    }
    return { sessions, kinds, cells, truncated };
  }

  /** One session's alerts counted by episode, turn and kind (the map zoomed to turns). */
  turnMap(sessionKey: string, max = MAP_CELLS): TurnAlertMap {
    const rows = this.#db.all<TurnAlertMap['cells'][number]>(
      `SELECT a.episode_id AS episodeId, e.idx AS episodeIndex, a.turn_id AS turnId, t.idx AS turnIndex, a.kind,
         COUNT(*) AS count, MIN(a.created_at) AS firstAt
       FROM alerts a JOIN episodes e ON e.id = a.episode_id LEFT JOIN turns t ON t.id = a.turn_id
       WHERE a.session_key = ? GROUP BY a.episode_id, a.turn_id, a.kind ORDER BY e.idx, t.idx LIMIT ?`,
      sessionKey,
      max + 1,
    );
    return { cells: rows.slice(0, max), truncated: rows.length > max };
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
