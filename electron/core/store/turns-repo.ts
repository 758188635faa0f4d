// Turns and the episode history they build: a successful turn's message and reply join the
// history in the same commit that finishes the turn.
import { randomUUID } from 'node:crypto';
import type { HistoryMessage, ToolCall, Turn } from '../../../shared/domain.ts';
import type { Db } from './db.ts';
import { toTurn, type TurnRow } from './rows.ts';

const SELECT = `SELECT t.*, (SELECT COUNT(*) FROM upstream_calls c WHERE c.turn_id = t.id) AS call_count FROM turns t`;

export class TurnsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  insert(t: {
    episodeId: string;
    sessionKey: string;
    message: string;
    historyLength: number;
    metadata?: Record<string, unknown>;
    inferred?: boolean;
    now?: number;
  }): Turn {
    const id = `turn_${randomUUID()}`;
    this.#db.tx(() => {
      const last = this.#db.get<{ n: number | null }>(
        'SELECT MAX(idx) AS n FROM turns WHERE episode_id = ?',
        t.episodeId,
      );
      this.#db.run(
        `INSERT INTO turns (id, episode_id, session_key, idx, status, message, history_length, metadata, inferred,
          started_at) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
        id,
        t.episodeId,
        t.sessionKey,
        (last?.n ?? -1) + 1,
        t.message,
        t.historyLength,
        JSON.stringify(t.metadata ?? {}),
        t.inferred ? 1 : 0,
        t.now ?? Date.now(),
      );
    });
    return this.get(id)!;
  }

  /** Finishes a turn; when ok, its user message and reply join the episode history in the same commit. */
  finish(
    id: string,
    r: {
      status: 'ok' | 'failed' | 'cancelled';
      reply: string | null;
      toolCalls: ToolCall[];
      error: string | null;
      now?: number;
    },
  ): Turn {
    this.#db.tx(() => {
      const turn = this.get(id);
      if (!turn) throw new Error(`unknown turn ${id}`);
      this.#db.run(
        'UPDATE turns SET status = ?, reply = ?, tool_calls = ?, error = ?, ended_at = ? WHERE id = ?',
        r.status,
        r.reply,
        JSON.stringify(r.toolCalls),
        r.error,
        r.now ?? Date.now(),
        id,
      );
      if (r.status !== 'ok') return;
      const last = this.#db.get<{ n: number | null }>(
        'SELECT MAX(seq) AS n FROM history_messages WHERE episode_id = ?',
        turn.episodeId,
      );
      const seq = (last?.n ?? -1) + 1;
      const ins = 'INSERT INTO history_messages (episode_id, seq, turn_id, role, content) VALUES (?, ?, ?, ?, ?)';
      this.#db.run(ins, turn.episodeId, seq, id, 'user', turn.message);
      this.#db.run(ins, turn.episodeId, seq + 1, id, 'assistant', r.reply ?? '');
    });
    return this.get(id)!;
  }

  /** Keeps an inferred turn's reply and tool calls current while it stays open (no history yet). */
  update(id: string, r: { reply: string | null; toolCalls: ToolCall[] }): Turn {
    this.#db.run('UPDATE turns SET reply = ?, tool_calls = ? WHERE id = ?', r.reply, JSON.stringify(r.toolCalls), id);
    return this.get(id)!;
  }

  /** The episode's turn still running, if any (an external agent's inferred turn after a restart). */
  running(episodeId: string): Turn | undefined {
    const r = this.#db.get<TurnRow>(
      `${SELECT} WHERE t.episode_id = ? AND t.status = 'running' ORDER BY t.idx DESC LIMIT 1`,
      episodeId,
    );
    return r && toTurn(r);
  }

  get(id: string): Turn | undefined {
    const r = this.#db.get<TurnRow>(`${SELECT} WHERE t.id = ?`, id);
    return r && toTurn(r);
  }

  /** An episode's turns in order (an episode is bounded; the limit guards against runaway ones). */
  list(episodeId: string, limit = 5000): Turn[] {
    return this.#db
      .all<TurnRow>(`${SELECT} WHERE t.episode_id = ? ORDER BY t.idx LIMIT ?`, episodeId, limit)
      .map(toTurn);
  }

  /** The newest finished turns of every session, newest first (to rebuild the cross-session index). */
  recentOk(limit: number): Turn[] {
    return this.#db
      .all<TurnRow>(`${SELECT} WHERE t.status = 'ok' ORDER BY t.started_at DESC LIMIT ?`, limit)
      .map(toTurn);
  }

  count(filter: { status?: Turn['status'] } = {}): number {
    return filter.status
      ? this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM turns WHERE status = ?', filter.status)!.n
      : this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM turns')!.n;
  }

  /** The episode's history, oldest first; `limit` takes only the first N messages. */
  history(episodeId: string, limit = -1): HistoryMessage[] {
    return this.#db.all<HistoryMessage>(
      'SELECT role, content FROM history_messages WHERE episode_id = ? ORDER BY seq LIMIT ?',
      episodeId,
      limit,
    );
  }
}
