// Full-text search over recorded text (SQLite FTS5). Each upstream call is indexed once it has
// ended, under its seq (stable across VACUUM, unlike a rowid): what was new in its request (the
// messages after the last assistant message; all of the episode's first call, system prompt and
// whatever history it already carried) and what the model answered, tool calls included. The
// history replayed within an episode is left out — it is earlier calls' text again, and indexing it
// would grow the index with the square of an episode's length; what an episode's first call carries
// is not, and it is where a history that was not reset shows, so it is found there.
// Indexing runs in batches off the turn's path (one commit per batch); a search says how many
// calls still wait.
import type { SearchHit } from '../../../shared/domain.ts';
import { HttpError } from '../http/errors.ts';
import { unpack } from './codec.ts';
import type { Db } from './db.ts';
import { decodeCursor, pageLimit, toPage } from './page.ts';

/** Text of one call kept in the index at most (a pasted megabyte is still found by its start). */
const MAX_TEXT = 200_000;
/** A call still running after this long is indexed as it stands (its request is worth finding). */
const STUCK_MS = 10 * 60_000;
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

interface PendingRow {
  seq: number;
  request_body: Uint8Array | null;
  request_codec: string | null;
  response: string | null;
  started_at: number;
  ended_at: number | null;
  first: number;
}

interface HitRow {
  seq: number;
  id: string;
  session_key: string;
  episode_id: string;
  turn_id: string | null;
  started_at: number;
  snippet: string;
}

export class SearchRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Calls recorded but not yet in the index. */
  pending(): number {
    return (
      this.#db.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM upstream_calls WHERE seq > (SELECT indexed_seq FROM search_state)',
      )?.n ?? 0
    );
  }

  /** Indexes up to `max` calls in seq order, in one transaction; returns how many were looked at. */
  indexBatch(max = 500, now = Date.now()): number {
    return this.#db.tx(() => {
      let upTo = this.#db.get<{ s: number }>('SELECT indexed_seq AS s FROM search_state')!.s;
      const rows = this.#db.all<PendingRow>(
        `SELECT seq, request_body, request_codec, response, started_at, ended_at,
          seq = (SELECT MIN(seq) FROM upstream_calls f WHERE f.episode_id = c.episode_id) AS first
         FROM upstream_calls c WHERE seq > ? ORDER BY seq LIMIT ?`,
        upTo,
        max,
      );
      let done = 0;
      for (const r of rows) {
        // a call in flight holds the line: search lags by at most one turn, and nothing is skipped
        if (r.ended_at === null && now - r.started_at < STUCK_MS) break;
        const text = callText(unpack(r.request_body, r.request_codec), r.response, r.first === 1);
        if (text) this.#db.run('INSERT INTO search_text (rowid, text) VALUES (?, ?)', r.seq, text);
        upTo = r.seq;
        done++;
      }
      this.#db.run('UPDATE search_state SET indexed_seq = ?', upTo);
      return done;
    });
  }

  /** Newest first; `query` is words (all must match; the last, of 3+ characters, also as a prefix) and "phrases". */
  search(q: { query: string; sessionKey?: string; limit?: number; cursor?: string }): {
    items: SearchHit[];
    next: string | null;
  } {
    const match = ftsQuery(q.query);
    const limit = pageLimit(q.limit);
    const before = q.cursor ? (decodeCursor(q.cursor, ['number'])[0] as number) : Number.MAX_SAFE_INTEGER;
    const rows = this.#db.all<HitRow>(
      `SELECT c.seq, c.id, c.session_key, c.episode_id, c.turn_id, c.started_at,
        snippet(search_text, 0, char(1), char(2), '…', 24) AS snippet
       FROM search_text JOIN upstream_calls c ON c.seq = search_text.rowid
       WHERE search_text MATCH ? AND search_text.rowid < ? AND (? IS NULL OR c.session_key = ?)
       ORDER BY search_text.rowid DESC LIMIT ?`,
      match,
      before,
      q.sessionKey ?? null,
      q.sessionKey ?? null,
      limit + 1,
    );
    return toPage(
      rows,
      limit,
      (r) => [r.seq],
      (r) => ({
        callId: r.id,
        seq: r.seq,
        sessionKey: r.session_key,
        episodeId: r.episode_id,
        turnId: r.turn_id,
        startedAt: r.started_at,
        snippet: r.snippet,
      }),
    );
  }

  /** Merges the index's segments (after a large prune, before VACUUM). */
  optimize(): void {
    this.#db.run("INSERT INTO search_text (search_text) VALUES ('optimize')");
  }
}

/**
 * The user's words as an FTS5 query: every word and "phrase" quoted (so FTS5's operators and
 * punctuation are plain text), all required, the last bare word also matching as a prefix.
 */
export function ftsQuery(input: string): string {
  const terms = input.match(/"[^"]*"|[^\s"]+/g)?.map((t) => t.replace(/^"|"$/g, '').trim()) ?? [];
  const words = terms.filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (words.length === 0) throw new HttpError(400, 'search needs at least one word or number');
  // a prefix of one or two characters would match most of the vocabulary: typed words count from 3
  const last = words[words.length - 1]!;
  const prefix = !/"\s*$/.test(input.trim()) && (last.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 3;
  return words.map((w, i) => `"${w.replaceAll('"', '""')}"${prefix && i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** The text a call adds to the record: what was new in its request and what came back. */
export function callText(body: Uint8Array | null, response: string | null, first: boolean): string {
  const parts: string[] = [];
  const raw = body ? Buffer.from(body).toString('utf8') : '';
  let request: unknown;
  try {
    request = JSON.parse(raw);
  } catch {
    request = null;
  }
  const messages = requestMessages(request);
  if (messages) {
    let lastAssistant = -1;
    messages.forEach((m, i) => m.role === 'assistant' && (lastAssistant = i));
    // a call adds what follows the model's last answer; an episode's first call adds everything it
    // holds, so a conversation carried in from an earlier episode is found in the episode it leaked into
    messages.forEach((m, i) => {
      const system = m.role === 'system' || m.role === 'developer';
      if (first || (!system && i > lastAssistant)) parts.push(contentText(m.content));
    });
  } else if (raw) {
    parts.push(raw); // not a chat request we can read: its text as sent
  }
  if (response) {
    try {
      const r = JSON.parse(response) as { text?: unknown; toolCalls?: Array<{ name?: unknown; arguments?: unknown }> };
      if (typeof r.text === 'string') parts.push(r.text);
      for (const t of r.toolCalls ?? []) parts.push(`${String(t.name ?? '')} ${String(t.arguments ?? '')}`);
    } catch {
      // a response that is not ours to read adds nothing
    }
  }
  return parts.filter(Boolean).join('\n').slice(0, MAX_TEXT);
}

interface LooseMessage {
  role?: unknown;
  content?: unknown;
}

function requestMessages(request: unknown): LooseMessage[] | null {
  if (!request || typeof request !== 'object') return null;
  const r = request as { messages?: unknown; input?: unknown; instructions?: unknown };
  if (Array.isArray(r.messages)) return r.messages as LooseMessage[];
  // the Responses API: input is text or a list of items; instructions is its system prompt
  if (typeof r.input === 'string' || Array.isArray(r.input)) {
    const items = typeof r.input === 'string' ? [{ role: 'user', content: r.input }] : (r.input as LooseMessage[]);
    return typeof r.instructions === 'string' ? [{ role: 'system', content: r.instructions }, ...items] : items;
  }
  return null;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p: { text?: unknown }) => (p && typeof p.text === 'string' ? p.text : ''))
    .filter(Boolean)
    .join('\n');
}
