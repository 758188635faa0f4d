// Upstream calls: each request stored byte-exact before it is forwarded, then completed with the
// reassembled response. Summaries leave the bodies out; details carry them. Forks (edited re-sends
// of a recorded call) share the table, keep their origin's session and episode for context, belong
// to no turn, and are left out of every episode-level list, count and export.
import type { CallOutcome, UpstreamCall, UpstreamCallDetail } from '../../../shared/domain.ts';
import { pack } from './codec.ts';
import type { Db } from './db.ts';
import { newId } from './ids.ts';
import { toCall, toCallDetail, type CallRow } from './rows.ts';

const SUMMARY = `
  SELECT id, seq, upstream_key, session_key, episode_id, turn_id, outside_turn, path, status, outcome, error, response,
    started_at, first_byte_at, ended_at, fork_of, fork_upstream, added_fields,
    COALESCE(request_size, length(request_body)) AS request_bytes
  FROM upstream_calls`;
const DETAIL = 'SELECT *, COALESCE(request_size, length(request_body)) AS request_bytes FROM upstream_calls';

export interface NewCall {
  upstreamKey: string;
  sessionKey: string;
  episodeId: string;
  turnId: string | null;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  startedAt: number;
  /** Set for a fork: the call it re-sends, and where it went. */
  fork?: { of: string; upstream: string };
}

export interface CallResult {
  status: number | null;
  outcome: CallOutcome;
  error: string | null;
  response: unknown;
  rawResponse: string | null;
  firstByteAt: number | null;
  endedAt: number;
  /** Fields the recorder added to the request it forwarded (none: forwarded as sent). */
  addedFields?: string[];
}

/** 1: the answer holds prompt and generated token ids; 0: it does not; null: no answer. */
function hasTokenIds(response: unknown): 1 | 0 | null {
  if (response === null || typeof response !== 'object') return null;
  const r = response as { tokenIds?: unknown; promptTokenIds?: unknown };
  return Array.isArray(r.tokenIds) && Array.isArray(r.promptTokenIds) ? 1 : 0;
}

export class CallsRepo {
  readonly #db: Db;
  #seq: number;

  constructor(db: Db) {
    this.#db = db;
    this.#seq = db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM upstream_calls')?.s ?? 0;
  }

  insert(c: NewCall): UpstreamCall {
    const id = newId('call');
    const seq = ++this.#seq;
    const outsideTurn = c.turnId === null && !c.fork;
    const body = pack(c.body);
    this.#db.run(
      `INSERT INTO upstream_calls (id, seq, upstream_key, session_key, episode_id, turn_id, outside_turn, path,
        request_headers, request_body, request_size, request_codec, started_at, fork_of, fork_upstream)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      seq,
      c.upstreamKey,
      c.sessionKey,
      c.episodeId,
      c.turnId,
      outsideTurn ? 1 : 0,
      c.path,
      JSON.stringify(c.headers),
      body.data,
      c.body.length,
      body.codec,
      c.startedAt,
      c.fork?.of ?? null,
      c.fork?.upstream ?? null,
    );
    // built here rather than read back: this runs for every upstream call
    return {
      id,
      seq,
      upstreamKey: c.upstreamKey,
      sessionKey: c.sessionKey,
      episodeId: c.episodeId,
      turnId: c.turnId,
      outsideTurn,
      path: c.path,
      status: null,
      outcome: null,
      error: null,
      startedAt: c.startedAt,
      firstByteAt: null,
      endedAt: null,
      requestBytes: c.body.length,
      response: null,
      forkOf: c.fork?.of ?? null,
      forkUpstream: c.fork?.upstream ?? null,
      addedFields: [],
    };
  }

  /** Completes a call; returns the call as stored (`call` is what insert returned). */
  finish(call: UpstreamCall, r: CallResult): UpstreamCall {
    const raw = r.rawResponse === null ? null : pack(Buffer.from(r.rawResponse, 'utf8'));
    this.#db.run(
      `UPDATE upstream_calls SET status = ?, outcome = ?, error = ?, response = ?, raw_response = ?, raw_codec = ?,
        first_byte_at = ?, ended_at = ?, added_fields = ?, token_ids = ? WHERE id = ?`,
      r.status,
      r.outcome,
      r.error,
      r.response === null ? null : JSON.stringify(r.response),
      raw?.codec ? raw.data : r.rawResponse,
      raw?.codec ?? null,
      r.firstByteAt,
      r.endedAt,
      r.addedFields?.length ? JSON.stringify(r.addedFields) : null,
      hasTokenIds(r.response),
      call.id,
    );
    return {
      ...call,
      status: r.status,
      outcome: r.outcome,
      error: r.error,
      firstByteAt: r.firstByteAt,
      endedAt: r.endedAt,
      response: (r.response as UpstreamCall['response']) ?? null,
      addedFields: r.addedFields ?? [],
    };
  }

  get(id: string): UpstreamCall | undefined {
    const r = this.#db.get<CallRow>(`${SUMMARY} WHERE id = ?`, id);
    return r && toCall(r);
  }

  detail(id: string): UpstreamCallDetail | undefined {
    const r = this.#db.get<CallRow>(`${DETAIL} WHERE id = ?`, id);
    return r && toCallDetail(r);
  }

  /** The calls of a turn or of an episode, in the order they were made. */
  list(filter: { turnId: string } | { episodeId: string }): UpstreamCall[] {
    if ('turnId' in filter)
      return this.#db.all<CallRow>(`${SUMMARY} WHERE turn_id = ? ORDER BY seq`, filter.turnId).map(toCall);
    return this.#db
      .all<CallRow>(`${SUMMARY} WHERE episode_id = ? AND fork_of IS NULL ORDER BY seq`, filter.episodeId)
      .map(toCall);
  }

  /** The forks of a call, oldest first. */
  forks(callId: string): UpstreamCall[] {
    return this.#db.all<CallRow>(`${SUMMARY} WHERE fork_of = ? ORDER BY seq`, callId).map(toCall);
  }

  count(filter: { episodeId?: string; status?: number } = {}): number {
    const where: string[] = ['fork_of IS NULL'];
    const params: Array<string | number> = [];
    if (filter.episodeId !== undefined) {
      where.push('episode_id = ?');
      params.push(filter.episodeId);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const sql = `SELECT COUNT(*) AS n FROM upstream_calls WHERE ${where.join(' AND ')}`;
    return this.#db.get<{ n: number }>(sql, ...params)!.n;
  }

  /**
   * Full calls of an episode (or, with `byTurn`, of a turn), in order; `completeOnly` keeps the good
   * training data (exports).
   */
  details(id: string, opts: { completeOnly?: boolean; byTurn?: boolean } = {}): UpstreamCallDetail[] {
    const only = opts.completeOnly ? ` AND outcome = 'complete'` : '';
    const column = opts.byTurn ? 'turn_id' : 'episode_id';
    return this.#db
      .all<CallRow>(`${DETAIL} WHERE ${column} = ? AND fork_of IS NULL${only} ORDER BY seq`, id)
      .map(toCallDetail);
  }
}
