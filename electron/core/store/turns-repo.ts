// Turns and the episode history they build: a successful turn's message and reply join the
// history in the same commit that finishes the turn.
import type { HistoryMessage, Page, Turn, TurnToolCall } from '../../../shared/domain.ts';
import type { Db } from './db.ts';
import { newId } from './ids.ts';
import { decodeCursor, pageLimit, toPage } from './page.ts';
import { toTurn, type TurnRow } from './rows.ts';

const SELECT = `SELECT t.*, (SELECT COUNT(*) FROM upstream_calls c WHERE c.turn_id = t.id) AS call_count FROM turns t`;

/** How much replayed history is kept in memory (characters); the least recently read goes first. */
const HISTORY_CACHE_CHARS = 32 * 1024 * 1024;

const failedTools = (calls: TurnToolCall[]) => calls.filter((c) => c.error).length;

export class TurnsRepo {
  readonly #db: Db;
  /**
   * Episode histories as stored, kept current as turns finish: every turn replays its episode's.
   * Only the writing connection keeps one (a reader's would miss what the writer appends).
   */
  readonly #history = new Map<string, { messages: HistoryMessage[]; chars: number }>();
  #historyChars = 0;

  constructor(db: Db) {
    this.#db = db;
    db.onLost(() => this.forgetHistories());
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
    // one statement: its index comes from the episode's turns, atomically, and the row comes back
    const row = this.#db.returning<TurnRow>(
      `INSERT INTO turns (id, episode_id, session_key, idx, status, message, history_length, metadata, inferred,
        started_at)
       SELECT ?1, ?2, ?3, COALESCE(MAX(idx), -1) + 1, 'running', ?4, ?5, ?6, ?7, ?8 FROM turns WHERE episode_id = ?2
       RETURNING *, 0 AS call_count`,
      newId('turn'),
      t.episodeId,
      t.sessionKey,
      t.message,
      t.historyLength,
      JSON.stringify(t.metadata ?? {}),
      t.inferred ? 1 : 0,
      t.now ?? Date.now(),
    )!;
    return toTurn(row);
  }

  /**
   * Finishes a turn; when ok, its user message and reply join the episode history in the same commit.
   * `answers`: the assistant messages it adds instead of the reply (an external agent's turn of several
   * calls said each of them; its reply is them joined).
   */
  finish(
    id: string,
    r: {
      status: 'ok' | 'failed' | 'cancelled';
      reply: string | null;
      toolCalls: TurnToolCall[];
      error: string | null;
      now?: number;
      answers?: string[];
    },
  ): Turn {
    const said = r.answers?.length ? r.answers : [r.reply ?? ''];
    const added: HistoryMessage[] = [];
    const row = this.#db.tx(() => {
      const done = this.#db.returning<TurnRow>(
        `UPDATE turns SET status = ?, reply = ?, tool_calls = ?, tool_errors = ?, error = ?, ended_at = ? WHERE id = ?
         RETURNING *, (SELECT COUNT(*) FROM upstream_calls c WHERE c.turn_id = turns.id) AS call_count`,
        r.status,
        r.reply,
        JSON.stringify(r.toolCalls),
        failedTools(r.toolCalls),
        r.error,
        r.now ?? Date.now(),
        id,
      );
      if (!done) throw new Error(`unknown turn ${id}`);
      if (r.status !== 'ok') return done;
      const last = this.#db.get<{ n: number | null }>(
        'SELECT MAX(seq) AS n FROM history_messages WHERE episode_id = ?',
        done.episode_id,
      );
      added.push(
        { role: 'user', content: done.message },
        ...said.map((content) => ({ role: 'assistant' as const, content })),
      );
      let seq = (last?.n ?? -1) + 1;
      for (const m of added)
        this.#db.run(
          'INSERT INTO history_messages (episode_id, seq, turn_id, role, content) VALUES (?, ?, ?, ?, ?)',
          done.episode_id,
          seq++,
          id,
          m.role,
          m.content,
        );
      return done;
    });
    const cached = r.status === 'ok' ? this.#history.get(row.episode_id) : undefined;
    if (cached && this.#db.inTransaction) {
      // an enclosing transaction may still undo these rows: read them again next time
      this.#history.delete(row.episode_id);
      this.#historyChars -= cached.chars;
    } else if (cached) {
      const chars = added.reduce((n, m) => n + m.content.length, 0);
      cached.messages.push(...added);
      cached.chars += chars;
      this.#historyChars += chars;
      this.#trimHistories();
    }
    return toTurn(row);
  }

  /** Keeps an inferred turn's reply and tool calls current while it stays open (no history yet). */
  update(id: string, r: { reply: string | null; toolCalls: TurnToolCall[] }): Turn {
    this.#db.run(
      'UPDATE turns SET reply = ?, tool_calls = ?, tool_errors = ? WHERE id = ?',
      r.reply,
      JSON.stringify(r.toolCalls),
      failedTools(r.toolCalls),
      id,
    );
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

  /**
   * A session's finished turns for the leak detectors to learn, oldest first: the newest ones whose
   * text (message, reply, tool-call arguments) fits in `maxChars`, so a rebuild costs no more memory
   * than the detectors may keep.
   */
  learnable(
    sessionKey: string,
    maxChars = Infinity,
  ): Array<Pick<Turn, 'id' | 'episodeId' | 'message' | 'reply' | 'toolCalls'> & { episodeIndex: number }> {
    type Row = {
      id: string;
      episode_id: string;
      message: string;
      reply: string | null;
      tool_calls: string;
      idx: number;
    };
    const out = [];
    let chars = 0;
    for (const r of this.#db.each<Row>(
      `SELECT t.id, t.episode_id, t.message, t.reply, t.tool_calls, e.idx
       FROM turns t JOIN episodes e ON e.id = t.episode_id
       WHERE t.session_key = ? AND t.status = 'ok' ORDER BY e.started_at DESC, e.id DESC, t.idx DESC`,
      sessionKey,
    )) {
      chars += r.message.length + (r.reply?.length ?? 0) + r.tool_calls.length;
      if (chars > maxChars && out.length > 0) break;
      out.push({
        id: r.id,
        episodeId: r.episode_id,
        message: r.message,
        reply: r.reply,
        toolCalls: JSON.parse(r.tool_calls),
        episodeIndex: r.idx,
      });
    }
    return out.reverse();
  }

  /** The newest finished turns of every session, newest first (to rebuild the cross-session index). */
  recentOk(limit: number): Turn[] {
    return this.#db
      .all<TurnRow>(`${SELECT} WHERE t.status = 'ok' ORDER BY t.started_at DESC LIMIT ?`, limit)
      .map(toTurn);
  }

  /** Live sessions' turns that ended well, newest first, page by page (what a hub learns content from). */
  recentLive(opts: { limit?: number; cursor?: string } = {}): Page<Turn> {
    const limit = pageLimit(opts.limit);
    const after = opts.cursor ? 'AND (t.started_at, t.id) < (?, ?)' : '';
    const rows = this.#db.all<TurnRow>(
      `${SELECT} WHERE t.status = 'ok' AND t.session_key IN (SELECT key FROM sessions WHERE origin = 'live') ${after}
       ORDER BY t.started_at DESC, t.id DESC LIMIT ?`,
      ...(opts.cursor ? decodeCursor(opts.cursor, ['number', 'string']) : []),
      limit + 1,
    );
    return toPage(rows, limit, (r) => [r.started_at, r.id], toTurn);
  }

  count(filter: { status?: Turn['status'] } = {}): number {
    return filter.status
      ? this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM turns WHERE status = ?', filter.status)!.n
      : this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM turns')!.n;
  }

  /** The episode's history, oldest first; `limit` takes only the first N messages. */
  history(episodeId: string, limit = -1): HistoryMessage[] {
    const take = (m: HistoryMessage[]) => (limit < 0 ? m.slice() : m.slice(0, limit));
    const cached = this.#history.get(episodeId);
    if (cached) {
      this.#history.delete(episodeId); // most recently read goes last
      this.#history.set(episodeId, cached);
      return take(cached.messages);
    }
    const messages = this.storedHistory(episodeId);
    if (!this.#db.readOnly) {
      const chars = messages.reduce((n, m) => n + m.content.length, 0);
      this.#history.set(episodeId, { messages, chars });
      this.#historyChars += chars;
      this.#trimHistories();
    }
    return take(messages);
  }

  #trimHistories(): void {
    for (const [id, h] of this.#history) {
      if (this.#historyChars <= HISTORY_CACHE_CHARS) return;
      this.#history.delete(id);
      this.#historyChars -= h.chars;
    }
  }

  /** Drops every cached history (history rows were deleted, or writes were lost). */
  forgetHistories(): void {
    this.#history.clear();
    this.#historyChars = 0;
  }

  /** The episode's history read from the database (what the cache must always equal). */
  storedHistory(episodeId: string, limit = -1): HistoryMessage[] {
    return this.#db.all<HistoryMessage>(
      'SELECT role, content FROM history_messages WHERE episode_id = ? ORDER BY seq LIMIT ?',
      episodeId,
      limit,
    );
  }
}
