// Repositories over the SQLite schema. Every method that acknowledges something commits first.
import { randomUUID } from 'node:crypto';
import type {
  Alert, Episode, HistoryMessage, Reward, RewardSource, RuntimeKind, ToolCall, Turn, UpstreamCall, UpstreamCallDetail,
} from '../../../shared/domain.ts';
import { Db } from './db.ts';
import {
  toAlert, toCall, toCallDetail, toEpisode, toReward, toTurn,
  type AlertRow, type CallRow, type EpisodeRow, type RewardRow, type TurnRow,
} from './rows.ts';

export interface SessionRow { key: string; runtime: RuntimeKind; created_at: number; closed_at: number | null }

export interface SessionStats {
  key: string; episode_count: number; turn_count: number; open_episode_id: string | null;
  last_reward: number | null; alert_count: number;
}

const EPISODE_SELECT = `
  SELECT e.*,
    (SELECT COUNT(*) FROM turns t WHERE t.episode_id = e.id) AS turn_count,
    (SELECT COUNT(*) FROM upstream_calls c WHERE c.episode_id = e.id) AS call_count,
    (SELECT r.value FROM rewards r WHERE r.episode_id = e.id AND r.turn_id IS NULL AND r.call_id IS NULL ORDER BY r.seq DESC LIMIT 1) AS reward,
    (SELECT r.source FROM rewards r WHERE r.episode_id = e.id AND r.turn_id IS NULL AND r.call_id IS NULL ORDER BY r.seq DESC LIMIT 1) AS reward_source
  FROM episodes e`;

const TURN_SELECT = `
  SELECT t.*, (SELECT COUNT(*) FROM upstream_calls c WHERE c.turn_id = t.id) AS call_count FROM turns t`;

const CALL_SUMMARY = `
  SELECT id, seq, upstream_key, session_key, episode_id, turn_id, outside_turn, path, status, error, response,
    started_at, first_byte_at, ended_at, length(request_body) AS request_bytes FROM upstream_calls`;

export interface NewCall {
  upstreamKey: string; sessionKey: string; episodeId: string; turnId: string | null; path: string;
  headers: Record<string, string>; body: Buffer; startedAt: number;
}

export interface CallResult {
  status: number | null; error: string | null; response: unknown; rawResponse: string | null;
  firstByteAt: number | null; endedAt: number;
}

export class Store {
  readonly db: Db;
  private callSeq: number;
  private rewardSeq: number;

  constructor(dataDir: string) {
    this.db = new Db(dataDir);
    this.callSeq = this.db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM upstream_calls')?.s ?? 0;
    this.rewardSeq = this.db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM rewards')?.s ?? 0;
  }

  close(): void {
    this.db.close();
  }

  /** Marks work a previous process left half-done: running turns and unfinished calls fail. */
  recoverInterrupted(now = Date.now()): { turns: number; calls: number } {
    return this.db.tx(() => ({
      turns: this.db.run(`UPDATE turns SET status = 'failed', error = 'the host stopped during this turn', ended_at = ? WHERE status = 'running'`, now).changes,
      calls: this.db.run(`UPDATE upstream_calls SET error = 'the host stopped during this call', ended_at = ? WHERE ended_at IS NULL`, now).changes,
    }));
  }

  // ---- sessions
  ensureSession(key: string, runtime: RuntimeKind, now = Date.now()): SessionRow {
    this.db.run('INSERT INTO sessions (key, runtime, created_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET closed_at = NULL', key, runtime, now);
    return this.getSession(key)!;
  }

  setSessionRuntime(key: string, runtime: RuntimeKind): void {
    this.db.run('UPDATE sessions SET runtime = ? WHERE key = ?', runtime, key);
  }

  getSession(key: string): SessionRow | undefined {
    return this.db.get<SessionRow>('SELECT * FROM sessions WHERE key = ?', key);
  }

  listSessions(): SessionRow[] {
    return this.db.all<SessionRow>('SELECT * FROM sessions ORDER BY created_at, key');
  }

  sessionStats(key: string): SessionStats {
    return this.db.get<SessionStats>(`
      SELECT ? AS key,
        (SELECT COUNT(*) FROM episodes WHERE session_key = ?1) AS episode_count,
        (SELECT COUNT(*) FROM turns WHERE session_key = ?1) AS turn_count,
        (SELECT id FROM episodes WHERE session_key = ?1 AND status = 'open') AS open_episode_id,
        (SELECT r.value FROM rewards r WHERE r.episode_id IN (SELECT id FROM episodes WHERE session_key = ?1) ORDER BY r.seq DESC LIMIT 1) AS last_reward,
        (SELECT COUNT(*) FROM alerts WHERE session_key = ?1) AS alert_count`, key)!;
  }

  markSessionClosed(key: string, now = Date.now()): void {
    this.db.run('UPDATE sessions SET closed_at = ? WHERE key = ? AND closed_at IS NULL', now, key);
  }

  // ---- episodes
  insertEpisode(e: { sessionKey: string; taskId: string | null; metadata: Record<string, unknown>; upstreamKey: string; now?: number }): Episode {
    const id = `ep_${randomUUID()}`;
    this.db.tx(() => {
      const idx = (this.db.get<{ n: number | null }>('SELECT MAX(idx) AS n FROM episodes WHERE session_key = ?', e.sessionKey)?.n ?? -1) + 1;
      this.db.run(
        `INSERT INTO episodes (id, session_key, idx, task_id, metadata, upstream_key, status, started_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)`,
        id, e.sessionKey, idx, e.taskId, JSON.stringify(e.metadata), e.upstreamKey, e.now ?? Date.now(),
      );
    });
    return this.getEpisode(id)!;
  }

  endEpisode(id: string, now = Date.now()): boolean {
    return this.db.run(`UPDATE episodes SET status = 'ended', ended_at = ? WHERE id = ? AND status = 'open'`, now, id).changes === 1;
  }

  setUpstreamOverride(id: string, override: { baseUrl: string; apiKey: string; model: string | null } | null): void {
    this.db.run('UPDATE episodes SET upstream_override = ? WHERE id = ?', override ? JSON.stringify(override) : null, id);
  }

  upstreamOverride(id: string): { baseUrl: string; apiKey: string; model: string | null } | null {
    const r = this.db.get<{ upstream_override: string | null }>('SELECT upstream_override FROM episodes WHERE id = ?', id);
    return r?.upstream_override ? JSON.parse(r.upstream_override) : null;
  }

  getEpisode(id: string): Episode | undefined {
    const r = this.db.get<EpisodeRow>(`${EPISODE_SELECT} WHERE e.id = ?`, id);
    return r && toEpisode(r);
  }

  episodeByKey(upstreamKey: string): Episode | undefined {
    const r = this.db.get<EpisodeRow>(`${EPISODE_SELECT} WHERE e.upstream_key = ?`, upstreamKey);
    return r && toEpisode(r);
  }

  /** The episode an upstream key belongs to, without the aggregate columns (hot path). */
  keyInfo(upstreamKey: string): { id: string; session_key: string; status: 'open' | 'ended'; task_id: string | null } | undefined {
    return this.db.get('SELECT id, session_key, status, task_id FROM episodes WHERE upstream_key = ?', upstreamKey);
  }

  /** The open episode's identity only, without aggregates: what the turn path needs. */
  openEpisodeRef(sessionKey: string): { id: string; index: number; upstreamKey: string; taskId: string | null } | undefined {
    return this.db.get(`SELECT id, idx AS "index", upstream_key AS upstreamKey, task_id AS taskId FROM episodes WHERE session_key = ? AND status = 'open'`, sessionKey);
  }

  openEpisode(sessionKey: string): Episode | undefined {
    const r = this.db.get<EpisodeRow>(`${EPISODE_SELECT} WHERE e.session_key = ? AND e.status = 'open'`, sessionKey);
    return r && toEpisode(r);
  }

  listEpisodes(filter: { sessionKey?: string; status?: 'open' | 'ended'; ids?: string[] } = {}): Episode[] {
    const rows = this.db.all<EpisodeRow>(`${EPISODE_SELECT} ORDER BY e.started_at, e.session_key, e.idx`);
    return rows
      .filter((r) => (!filter.sessionKey || r.session_key === filter.sessionKey) && (!filter.status || r.status === filter.status)
        && (!filter.ids || filter.ids.includes(r.id)))
      .map(toEpisode);
  }

  // ---- turns and history
  insertTurn(t: { episodeId: string; sessionKey: string; message: string; historyLength: number; now?: number }): Turn {
    const id = `turn_${randomUUID()}`;
    this.db.tx(() => {
      const idx = (this.db.get<{ n: number | null }>('SELECT MAX(idx) AS n FROM turns WHERE episode_id = ?', t.episodeId)?.n ?? -1) + 1;
      this.db.run(
        `INSERT INTO turns (id, episode_id, session_key, idx, status, message, history_length, started_at) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`,
        id, t.episodeId, t.sessionKey, idx, t.message, t.historyLength, t.now ?? Date.now(),
      );
    });
    return this.getTurn(id)!;
  }

  /** Finishes a turn; on success its user message and reply join the episode history in the same commit. */
  finishTurn(id: string, r: { ok: boolean; reply: string | null; toolCalls: ToolCall[]; error: string | null; now?: number }): Turn {
    this.db.tx(() => {
      const turn = this.getTurn(id);
      if (!turn) throw new Error(`unknown turn ${id}`);
      this.db.run('UPDATE turns SET status = ?, reply = ?, tool_calls = ?, error = ?, ended_at = ? WHERE id = ?',
        r.ok ? 'ok' : 'failed', r.reply, JSON.stringify(r.toolCalls), r.error, r.now ?? Date.now(), id);
      if (r.ok) {
        const seq = (this.db.get<{ n: number | null }>('SELECT MAX(seq) AS n FROM history_messages WHERE episode_id = ?', turn.episodeId)?.n ?? -1) + 1;
        const ins = 'INSERT INTO history_messages (episode_id, seq, turn_id, role, content) VALUES (?, ?, ?, ?, ?)';
        this.db.run(ins, turn.episodeId, seq, id, 'user', turn.message);
        this.db.run(ins, turn.episodeId, seq + 1, id, 'assistant', r.reply ?? '');
      }
    });
    return this.getTurn(id)!;
  }

  getTurn(id: string): Turn | undefined {
    const r = this.db.get<TurnRow>(`${TURN_SELECT} WHERE t.id = ?`, id);
    return r && toTurn(r);
  }

  listTurns(episodeId: string): Turn[] {
    return this.db.all<TurnRow>(`${TURN_SELECT} WHERE t.episode_id = ? ORDER BY t.idx`, episodeId).map(toTurn);
  }

  /** The episode's history, oldest first; `limit` takes only the first N messages. */
  history(episodeId: string, limit = -1): HistoryMessage[] {
    return this.db.all<HistoryMessage>('SELECT role, content FROM history_messages WHERE episode_id = ? ORDER BY seq LIMIT ?', episodeId, limit);
  }

  // ---- upstream calls
  insertCall(c: NewCall): UpstreamCall {
    const id = `call_${randomUUID()}`;
    const seq = ++this.callSeq;
    const outsideTurn = c.turnId === null;
    this.db.run(
      `INSERT INTO upstream_calls (id, seq, upstream_key, session_key, episode_id, turn_id, outside_turn, path, request_headers, request_body, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id, seq, c.upstreamKey, c.sessionKey, c.episodeId, c.turnId, outsideTurn ? 1 : 0, c.path, JSON.stringify(c.headers), c.body, c.startedAt,
    );
    // built here rather than read back: this runs for every upstream call
    return {
      id, seq, upstreamKey: c.upstreamKey, sessionKey: c.sessionKey, episodeId: c.episodeId, turnId: c.turnId, outsideTurn, path: c.path,
      status: null, error: null, startedAt: c.startedAt, firstByteAt: null, endedAt: null, requestBytes: c.body.length, response: null,
    };
  }

  /** Completes a call; returns the call as stored (`call` is what insertCall returned). */
  finishCall(call: UpstreamCall, r: CallResult): UpstreamCall {
    this.db.run('UPDATE upstream_calls SET status = ?, error = ?, response = ?, raw_response = ?, first_byte_at = ?, ended_at = ? WHERE id = ?',
      r.status, r.error, r.response === null ? null : JSON.stringify(r.response), r.rawResponse, r.firstByteAt, r.endedAt, call.id);
    return { ...call, status: r.status, error: r.error, firstByteAt: r.firstByteAt, endedAt: r.endedAt, response: (r.response as UpstreamCall['response']) ?? null };
  }

  getCall(id: string): UpstreamCall | undefined {
    const r = this.db.get<CallRow>(`${CALL_SUMMARY} WHERE id = ?`, id);
    return r && toCall(r);
  }

  getCallDetail(id: string): UpstreamCallDetail | undefined {
    const r = this.db.get<CallRow>('SELECT *, length(request_body) AS request_bytes FROM upstream_calls WHERE id = ?', id);
    return r && toCallDetail(r);
  }

  listCalls(filter: { turnId?: string; episodeId?: string }): UpstreamCall[] {
    if (filter.turnId) return this.db.all<CallRow>(`${CALL_SUMMARY} WHERE turn_id = ? ORDER BY seq`, filter.turnId).map(toCall);
    if (filter.episodeId) return this.db.all<CallRow>(`${CALL_SUMMARY} WHERE episode_id = ? ORDER BY seq`, filter.episodeId).map(toCall);
    return this.db.all<CallRow>(`${CALL_SUMMARY} ORDER BY seq`).map(toCall);
  }

  /** Full calls of an episode, in order, for export. */
  callDetails(episodeId: string): UpstreamCallDetail[] {
    return this.db.all<CallRow>('SELECT *, length(request_body) AS request_bytes FROM upstream_calls WHERE episode_id = ? ORDER BY seq', episodeId).map(toCallDetail);
  }

  // ---- rewards
  insertReward(r: { episodeId: string; turnId?: string | null; callId?: string | null; value: number; source: RewardSource;
    labeler?: string | null; note?: string | null; rubric?: string | null; now?: number }): Reward {
    const id = `rw_${randomUUID()}`;
    this.db.run(
      'INSERT INTO rewards (id, seq, episode_id, turn_id, call_id, value, source, labeler, note, rubric, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id, ++this.rewardSeq, r.episodeId, r.turnId ?? null, r.callId ?? null, r.value, r.source, r.labeler ?? null, r.note ?? null, r.rubric ?? null, r.now ?? Date.now(),
    );
    return toReward(this.db.get<RewardRow>('SELECT * FROM rewards WHERE id = ?', id)!);
  }

  listRewards(episodeId: string): Reward[] {
    return this.db.all<RewardRow>('SELECT * FROM rewards WHERE episode_id = ? ORDER BY seq', episodeId).map(toReward);
  }

  deleteReward(id: string): void {
    this.db.run('DELETE FROM rewards WHERE id = ?', id);
  }

  // ---- alerts
  insertAlert(a: Omit<Alert, 'id' | 'createdAt'> & { now?: number }): Alert {
    const id = `al_${randomUUID()}`;
    this.db.run('INSERT INTO alerts (id, kind, severity, session_key, episode_id, turn_id, call_id, message, evidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      id, a.kind, a.severity, a.sessionKey, a.episodeId, a.turnId, a.callId, a.message, JSON.stringify(a.evidence), a.now ?? Date.now());
    return toAlert(this.db.get<AlertRow>('SELECT * FROM alerts WHERE id = ?', id)!);
  }

  listAlerts(filter: { sessionKey?: string; episodeId?: string } = {}): Alert[] {
    return this.db.all<AlertRow>('SELECT * FROM alerts ORDER BY created_at, id')
      .filter((a) => (!filter.sessionKey || a.session_key === filter.sessionKey) && (!filter.episodeId || a.episode_id === filter.episodeId))
      .map(toAlert);
  }

  // ---- gateway log index
  insertLogChunks(rows: Array<{ gatewayId: string; sessionKey: string | null; stream: string; at: number; file: string; offset: number; length: number }>): void {
    this.db.tx(() => {
      for (const r of rows) {
        this.db.run('INSERT INTO log_chunks (gateway_id, session_key, stream, at, file, file_offset, length) VALUES (?, ?, ?, ?, ?, ?, ?)',
          r.gatewayId, r.sessionKey, r.stream, r.at, r.file, r.offset, r.length);
      }
    });
  }

  /** Indexed log chunks of a session between two times, oldest first. */
  logChunks(sessionKey: string, from: number, to: number, limit = 5000) {
    return this.db.all<{ gateway_id: string; session_key: string | null; stream: string; at: number; file: string; file_offset: number; length: number }>(
      'SELECT gateway_id, session_key, stream, at, file, file_offset, length FROM log_chunks WHERE session_key = ? AND at >= ? AND at <= ? ORDER BY id LIMIT ?',
      sessionKey, from, to, limit);
  }

  // ---- settings
  getSetting<T>(key: string): T | undefined {
    const r = this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key);
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, JSON.stringify(value));
  }
}
