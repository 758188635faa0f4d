// Leak alerts with their evidence, listed newest first and filtered in SQL.
import type { Alert, AlertKind, Page } from '../../../shared/domain.ts';
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
      JSON.stringify(a.evidence),
      a.now ?? Date.now(),
    );
    return toAlert(this.#db.get<AlertRow>('SELECT * FROM alerts WHERE id = ?', id)!);
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
    eq('session_key', f.sessionKey);
    eq('episode_id', f.episodeId);
    eq('turn_id', f.turnId);
    eq('kind', f.kind);
    if (f.cursor) {
      where.push('(created_at, id) < (?, ?)');
      params.push(...decodeCursor(f.cursor, ['number', 'string']));
    }
    const limit = pageLimit(f.limit);
    const rows = this.#db.all<AlertRow>(
      `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    return toPage(rows, limit, (r) => [r.created_at, r.id], toAlert);
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
