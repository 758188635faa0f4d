// Forwarding one recorded call upstream and recording how it ended: the answer passes through to
// the caller (chunk by chunk for a stream, reassembled on the way) or, for a fork, only into the
// record. Calls in flight are known by episode, so closing a session can cancel its calls.
import { isUtf8 } from 'node:buffer';
import type { CallOutcome, UpstreamCall } from '../../../shared/domain.ts';
import type { EngineEvents } from '../events.ts';
import { HttpError } from '../http/errors.ts';
import type { Sink } from '../http/sink.ts';
import { TOO_LARGE, tooLarge, toHttpError, type Forwarder, type UpstreamTarget } from '../model-client/forward.ts';
import { ChatAccumulator, SseLineTooLong, SseParser } from '../model-client/sse.ts';
import type { CallResult } from '../store/calls-repo.ts';
import type { Store } from '../store/store.ts';
import { askForTokens, refusesTokenFields, withoutAdded, type TokenField } from './token-fields.ts';

type Outcome = Omit<CallResult, 'endedAt'>;

export interface RelayDeps {
  store: Store;
  events: EngineEvents;
  forwarder: Forwarder;
  /** The longest line of a streamed answer (default: the parser's). */
  sseLineLimit?: number;
  /** A call (not a fork) ended, whatever its outcome. */
  callFinished?: (call: UpstreamCall) => void;
  /** Whether to ask model servers for token ids and logprobs (the noTokenIds setting off). */
  askTokens?: () => boolean;
  warn?: (message: string) => void;
}

export class CallRelay {
  readonly #deps: RelayDeps;
  readonly #inFlight = new Map<string, { episodeId: string; abort: AbortController }>();
  /** Servers (by base URL) that refused the token fields: asked no more while this engine runs. */
  readonly #refused = new Set<string>();

  constructor(deps: RelayDeps) {
    this.#deps = deps;
  }

  /** Cancels the episode's calls still in flight (its session was closed); returns how many. */
  cancelEpisode(episodeId: string, reason: string): number {
    let n = 0;
    for (const c of this.#inFlight.values()) {
      if (c.episodeId !== episodeId) continue;
      c.abort.abort(new Error(reason));
      n++;
    }
    return n;
  }

  /**
   * Forwards a recorded request and records how it ended; `sink` gets what the caller would. With
   * `body` (the request parsed), the token fields it lacks are asked for too (token-fields.ts).
   */
  async relay(
    call: UpstreamCall,
    target: UpstreamTarget,
    sent: Buffer,
    streaming: boolean,
    sink: Sink,
    abort: AbortController,
    body: Record<string, unknown> | null = null,
  ): Promise<void> {
    this.#inFlight.set(call.id, { episodeId: call.episodeId, abort });
    let firstByteAt: number | null = null;
    let finished = false;
    const ask = body !== null && (this.#deps.askTokens?.() ?? false) && !this.#refused.has(target.baseUrl);
    let { bytes, added } = ask ? askForTokens(sent, body) : { bytes: sent, added: [] as TokenField[] };
    const finish = (o: Outcome) => {
      finished = true;
      this.finish(call, { ...o, addedFields: added });
    };
    try {
      // the request is on disk before it leaves the process: a crash mid-call still leaves it
      // recorded (an in-process model's call never leaves; its group commits within this turn of
      // the event loop all the same)
      if (!this.#deps.forwarder.inProcess(target)) await this.#deps.store.durable();
      let up = await this.#deps.forwarder.request(target, 'POST', '/chat/completions', bytes, abort.signal);
      if (up.statusCode !== 200 && added.length > 0) {
        const text = await up.body.text();
        if (!refusesTokenFields(up.statusCode, text, added)) {
          up = { ...up, body: replay(text) };
        } else {
          // a server that does not know the fields: asked again as the agent sent it, and never again
          this.#refused.add(target.baseUrl);
          this.#deps.warn?.(
            `token checks off for ${target.baseUrl}: it refused ${added.join(' and ')} ` +
              `(HTTP ${up.statusCode}: ${text.slice(0, 200)}); its calls are recorded without token ids`,
          );
          [bytes, added] = [sent, []];
          up = await this.#deps.forwarder.request(target, 'POST', '/chat/completions', bytes, abort.signal);
        }
      }
      firstByteAt = Date.now();
      const type = String(up.headers['content-type'] ?? '');
      if (up.statusCode !== 200) {
        const text = await up.body.text();
        const error = `upstream answered ${up.statusCode}: ${text.slice(0, 500)}`;
        finish({ status: up.statusCode, outcome: 'error', error, response: null, rawResponse: text, firstByteAt });
        const contentType = type.includes('json') ? 'application/json' : 'text/plain';
        sink.writeHead(up.statusCode, { 'content-type': contentType, 'x-content-type-options': 'nosniff' });
        sink.end(text);
        return;
      }
      if (type.includes('text/event-stream')) {
        finished = true; // passStream always records the outcome itself
        const origin = new URL(target.baseUrl).origin;
        await this.passStream(call, up.body, sink, firstByteAt, abort.signal, origin, added);
        return;
      }
      const parts: Buffer[] = [];
      for await (const chunk of up.body) parts.push(chunk);
      const answer = Buffer.concat(parts);
      const text = answer.toString('utf8');
      const acc = new ChatAccumulator();
      let readable = true;
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
        acc.pushCompletion(parsed as Parameters<ChatAccumulator['pushCompletion']>[0]);
      } catch {
        readable = false;
      }
      // a whole JSON reply to a request that asked for a stream is not what the caller can read
      const error = !readable
        ? 'upstream sent a body that is not JSON'
        : streaming
          ? 'upstream answered a streaming request with a plain JSON body'
          : notText(isUtf8(answer), acc);
      const response = readable ? acc.summary(false) : null;
      finish({
        status: 200,
        outcome: error ? 'malformed' : 'complete',
        error,
        response,
        rawResponse: text,
        firstByteAt,
      });
      if (!readable) throw new HttpError(502, error!);
      sink.writeHead(200, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
      // the answer the agent would have had: what only the recorder asked for is taken out
      sink.end(added.length > 0 ? JSON.stringify(withoutAdded(parsed, added)) : text);
    } catch (err) {
      const e = toHttpError(err, new URL(target.baseUrl).origin);
      if (!finished) finish({ ...failure(e, abort.signal), response: null, rawResponse: null, firstByteAt });
      throw e;
    } finally {
      this.#inFlight.delete(call.id);
    }
  }

  /** Relays an SSE body chunk by chunk; a mid-stream failure ends the stream with an error event. */
  private async passStream(
    call: UpstreamCall,
    body: AsyncIterable<Buffer>,
    res: Sink,
    firstByteAt: number,
    signal: AbortSignal,
    origin: string,
    added: TokenField[],
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const parser = new SseParser(this.#deps.sseLineLimit);
    const acc = new ChatAccumulator();
    const raw: string[] = [];
    // strict until the first invalid byte, then lenient: a valid stream pays for one decoding only
    let decoder = new TextDecoder('utf-8', { fatal: true });
    let validUtf8 = true;
    const decodeRaw = (chunk: Buffer): string => {
      if (validUtf8) {
        try {
          return decoder.decode(chunk, { stream: true });
        } catch {
          validUtf8 = false;
          decoder = new TextDecoder();
        }
      }
      return decoder.decode(chunk, { stream: true });
    };
    let ended: { outcome: CallOutcome; error: string | null; status: number | null } = {
      outcome: 'complete',
      error: null,
      status: 200,
    };
    try {
      // the stream passes through byte for byte, or, where the recorder asked for more than the
      // agent, event by event without those fields
      // (the accumulator's parse is reused: one JSON.parse per event, not two)
      const feed = (data: string) => {
        const { chunk } = acc.pushData(data);
        if (added.length > 0) res.write(`data: ${chunk ? JSON.stringify(withoutAdded(chunk, added)) : data}\n\n`);
      };
      for await (const chunk of body) {
        raw.push(decodeRaw(chunk));
        for (const ev of parser.push(chunk)) feed(ev.data);
        if (added.length === 0) res.write(chunk);
      }
      for (const ev of parser.end()) feed(ev.data);
      if (acc.error) ended = { outcome: 'error', error: acc.error.message, status: 200 };
      else if (acc.chunkCount === 0)
        ended = { outcome: 'malformed', error: 'upstream stream held no valid chunk', status: 200 };
      else if (!acc.complete)
        ended = { outcome: 'truncated', error: 'upstream stream ended before it was complete', status: 200 };
      else {
        const bad = notText(validUtf8, acc);
        if (bad) ended = { outcome: 'malformed', error: bad, status: 200 };
      }
    } catch (err) {
      const e = err instanceof SseLineTooLong ? tooLarge(origin, err.limit, 'line') : toHttpError(err, origin);
      const f = failure(e, signal);
      // a stream that broke after it began is cut short, whatever broke it
      const own = f.outcome === 'cancelled' || f.outcome === 'timeout' || f.outcome === 'too_large';
      ended = { ...f, outcome: own ? f.outcome : 'truncated' };
      // the blank lines end whatever half line was passed on, so the error event reads as one
      if (!res.destroyed) res.write(`\n\ndata: ${JSON.stringify({ error: { message: e.message, type: e.type } })}\n\n`);
    }
    // what arrived is kept for inspection, whatever the outcome
    const rawResponse = raw.join('');
    this.finish(call, { ...ended, response: acc.summary(true), rawResponse, firstByteAt, addedFields: added });
    res.end();
  }

  private finish(call: UpstreamCall, o: Outcome): void {
    const done = this.#deps.store.calls.finish(call, { ...o, endedAt: Date.now() });
    this.#deps.events.emit('calls:recorded', done);
    if (!done.forkOf) this.#deps.callFinished?.(done); // a fork is nobody's turn
  }
}

/**
 * Why a reply that arrived whole is not text a trainer can use: bytes that are not UTF-8 (shown as
 * U+FFFD) or a lone UTF-16 surrogate in its JSON. Such a call is `malformed`: kept for inspection,
 * never exported as training data (docs/security.md).
 */
function notText(validUtf8: boolean, acc: ChatAccumulator): string | null {
  if (!validUtf8) return 'the reply was not valid UTF-8 (invalid bytes are shown as U+FFFD)';
  const texts = [acc.text, acc.reasoning, ...acc.toolCalls.flatMap((c) => [c.name, c.arguments])];
  if (!texts.every((t) => t.isWellFormed())) return 'the reply holds a lone UTF-16 surrogate (half a character)';
  return null;
}

/** How a call that failed in transport ended: cancelled by its caller, too slow, unreachable, or broken. */
function failure(e: HttpError, signal: AbortSignal): { status: number; outcome: CallOutcome; error: string } {
  if (signal.aborted) {
    const why = signal.reason instanceof Error ? signal.reason.message : 'cancelled';
    return { status: 499, outcome: 'cancelled', error: `cancelled: ${why}` };
  }
  if (e.status === 504) return { status: 504, outcome: 'timeout', error: e.message };
  if (e.type === TOO_LARGE) return { status: 502, outcome: 'too_large', error: e.message };
  if (e.type === 'upstream_unreachable') return { status: 502, outcome: 'unreachable', error: e.message };
  return { status: e.status, outcome: 'error', error: e.message };
}

/** A body already read, to be read again. */
function replay(text: string): AsyncIterable<Buffer> & { text(): Promise<string> } {
  return {
    text: async () => text,
    async *[Symbol.asyncIterator]() {
      yield Buffer.from(text);
    },
  };
}
