// The upstream recorder: the OpenAI-compatible provider every agent runtime calls. It checks the
// per-episode key, stores each request byte-exact before forwarding it, and passes streams through
// chunk by chunk while reassembling them. AReaL's reward and export routes live in rl-routes.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallOutcome, Episode, UpstreamCall } from '../../../shared/domain.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import type { EngineEvents } from '../events.ts';
import { bearerToken, parseJson, readBody, requireJsonType } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import type { HttpPolicy } from '../http/policy.ts';
import { HttpService, route } from '../http/server.ts';
import { toHttpError, type Forwarder } from '../openai/forward.ts';
import { ChatAccumulator, SseParser } from '../openai/sse.ts';
import type { KeyInfo } from '../store/episodes-repo.ts';
import type { Store } from '../store/store.ts';
import type { UpstreamDirectory } from './connections.ts';
import { rlRoutes, type RlDeps } from './rl-routes.ts';

export interface RecorderHooks {
  /** Runs right after a request is on its way (the leak detectors): it must not delay the call. */
  requestRecorded?(call: UpstreamCall, body: Buffer): void;
  /** A call came with the key of an ended episode (refused with 401). */
  staleKey?(episodeId: string, sessionKey: string): void;
  /** A call ended, whatever its outcome. */
  callFinished?(call: UpstreamCall): void;
}

export interface RecorderDeps extends RlDeps {
  store: Store;
  events: EngineEvents;
  forwarder: Forwarder;
  upstreams: UpstreamDirectory;
  adminKey: string;
  bodyLimit: number;
  policy: HttpPolicy;
  /**
   * The turn a call belongs to: the session's turn in flight, or, for an external agent, the turn
   * its conversation implies; null for a call outside any turn.
   */
  attributeCall(episode: KeyInfo, messages: ChatMessage[]): string | null;
  hooks: RecorderHooks;
  /** The open episode of AReaL's human-in-the-loop session (calls with the admin key), opened on demand. */
  hitlEpisode(): Promise<Episode>;
  warn(message: string): void;
}

// Headers worth keeping with a recorded request; hop-by-hop ones say nothing about the call.
const SKIP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

interface Outcome {
  status: number | null;
  outcome: CallOutcome;
  error: string | null;
  response: unknown;
  rawResponse: string | null;
  firstByteAt: number | null;
}

export class UpstreamRecorder {
  private readonly deps: RecorderDeps;
  private readonly service: HttpService;
  private baseUrl = '';
  /** Calls on their way upstream, so that a closed session's can be cancelled. */
  private readonly inFlight = new Map<string, { episodeId: string; abort: AbortController }>();

  constructor(deps: RecorderDeps) {
    this.deps = deps;
    this.service = new HttpService(
      'upstream-recorder',
      [
        route('GET', '/v1/models', (req, res) => this.models(req, res)),
        route('POST', '/v1/chat/completions', (req, res) => this.chat(req, res)),
        // AReaL's inference proxy serves chat completions without /v1
        route('POST', '/chat/completions', (req, res) => this.chat(req, res)),
        ...rlRoutes(deps, (req, opts) => this.episodeFor(req, opts)),
      ],
      null,
      deps.policy,
    );
  }

  /** The provider base URL (with /v1) that runtimes are configured with. */
  get url(): string {
    return `${this.baseUrl}/v1`;
  }

  get origin(): string {
    return this.baseUrl;
  }

  async start(host: string, port: number): Promise<void> {
    this.baseUrl = (await this.service.start(host, port)).url;
  }

  stop(): Promise<void> {
    return this.service.stop();
  }

  /** Cancels the episode's calls still in flight (its session was closed); returns how many. */
  cancelEpisode(episodeId: string, reason: string): number {
    let n = 0;
    for (const c of this.inFlight.values()) {
      if (c.episodeId !== episodeId) continue;
      c.abort.abort(new Error(reason));
      n++;
    }
    return n;
  }

  /**
   * The episode a bearer key belongs to; 401 for unknown keys and, when asked, for ended episodes.
   * The admin key, where allowed, stands for AReaL's human-in-the-loop session.
   */
  private async episodeFor(req: IncomingMessage, opts: { requireOpen: boolean; allowAdmin: boolean }) {
    const key = bearerToken(req);
    if (opts.allowAdmin && key === this.deps.adminKey) {
      const hitl = await this.deps.hitlEpisode();
      return { ...this.deps.store.episodes.keyInfo(hitl.upstreamKey)!, key: hitl.upstreamKey };
    }
    const requireOpen = opts.requireOpen;
    const info = key ? this.deps.store.episodes.keyInfo(key) : undefined;
    if (!key || !info) throw new HttpError(401, 'unknown upstream key: use the sk-sess-… key of an open episode');
    if (requireOpen && info.status !== 'open') {
      this.deps.hooks.staleKey?.(info.id, info.session_key);
      throw new HttpError(401, 'this episode has ended; its upstream key is no longer valid');
    }
    return { ...info, key };
  }

  private async models(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ep = await this.episodeFor(req, { requireOpen: true, allowAdmin: true });
    const up = await this.deps.forwarder.request(this.deps.upstreams.target(ep.upstream_id), 'GET', '/models', null);
    const text = await up.body.text();
    res.writeHead(up.statusCode, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
    res.end(text);
  }

  private async chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ep = await this.episodeFor(req, { requireOpen: true, allowAdmin: true });
    const bytes = await readBody(req, this.deps.bodyLimit);
    requireJsonType(req);
    const body = parseJson(bytes) as { messages?: unknown; stream?: unknown };
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
      throw new HttpError(400, 'body must be a JSON object with a messages array');
    }

    const { store, events } = this.deps;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!SKIP_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const call = store.calls.insert({
      upstreamKey: ep.key,
      sessionKey: ep.session_key,
      episodeId: ep.id,
      turnId: this.deps.attributeCall(ep, body.messages as ChatMessage[]),
      path: '/v1/chat/completions',
      headers,
      body: bytes,
      startedAt: Date.now(),
    });
    events.emit('calls:recorded', call);
    setImmediate(() => {
      try {
        this.deps.hooks.requestRecorded?.(call, bytes);
      } catch (err) {
        // a detector fault must never cost a recording; it is reported, not hidden
        this.deps.warn(`leak analysis failed for ${call.id}: ${(err as Error).message}`);
      }
    });

    const abort = new AbortController();
    this.inFlight.set(call.id, { episodeId: ep.id, abort });
    res.on('close', () => !res.writableFinished && abort.abort(new Error('the caller disconnected')));
    const target = this.deps.upstreams.target(ep.upstream_id);
    const streaming = (body as { stream?: unknown }).stream === true;
    let firstByteAt: number | null = null;
    let finished = false;
    const finish = (o: Outcome) => {
      finished = true;
      this.finish(call, o);
    };
    try {
      const up = await this.deps.forwarder.request(target, 'POST', '/chat/completions', bytes, abort.signal);
      firstByteAt = Date.now();
      const type = String(up.headers['content-type'] ?? '');
      if (up.statusCode !== 200) {
        const text = await up.body.text();
        const error = `upstream answered ${up.statusCode}: ${text.slice(0, 500)}`;
        finish({ status: up.statusCode, outcome: 'error', error, response: null, rawResponse: text, firstByteAt });
        const contentType = type.includes('json') ? 'application/json' : 'text/plain';
        res.writeHead(up.statusCode, { 'content-type': contentType, 'x-content-type-options': 'nosniff' });
        res.end(text);
        return;
      }
      if (type.includes('text/event-stream')) {
        finished = true; // passStream always records the outcome itself
        await this.passStream(call, up.body, res, firstByteAt, abort.signal);
        return;
      }
      const text = await up.body.text();
      const acc = new ChatAccumulator();
      let readable = true;
      try {
        acc.pushCompletion(JSON.parse(text));
      } catch {
        readable = false;
      }
      // a whole JSON reply to a request that asked for a stream is not what the caller can read
      const error = !readable
        ? 'upstream sent a body that is not JSON'
        : streaming
          ? 'upstream answered a streaming request with a plain JSON body'
          : null;
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
      res.writeHead(200, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
      res.end(text);
    } catch (err) {
      const e = toHttpError(err, new URL(target.baseUrl).origin);
      if (!finished) finish({ ...failure(e, abort.signal), response: null, rawResponse: null, firstByteAt });
      throw e;
    } finally {
      this.inFlight.delete(call.id);
    }
  }

  /** Relays an SSE body chunk by chunk; a mid-stream failure ends the stream with an error event. */
  private async passStream(
    call: UpstreamCall,
    body: AsyncIterable<Buffer>,
    res: ServerResponse,
    firstByteAt: number,
    signal: AbortSignal,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const parser = new SseParser();
    const acc = new ChatAccumulator();
    const raw: string[] = [];
    const decoder = new TextDecoder();
    let ended: { outcome: CallOutcome; error: string | null; status: number | null } = {
      outcome: 'complete',
      error: null,
      status: 200,
    };
    try {
      for await (const chunk of body) {
        raw.push(decoder.decode(chunk, { stream: true }));
        for (const ev of parser.push(chunk)) acc.pushData(ev.data);
        res.write(chunk);
      }
      for (const ev of parser.end()) acc.pushData(ev.data);
      if (acc.error) ended = { outcome: 'error', error: acc.error.message, status: 200 };
      else if (acc.chunkCount === 0)
        ended = { outcome: 'malformed', error: 'upstream stream held no valid chunk', status: 200 };
      else if (!acc.complete)
        ended = { outcome: 'truncated', error: 'upstream stream ended before it was complete', status: 200 };
    } catch (err) {
      const e = toHttpError(err, 'upstream');
      const f = failure(e, signal);
      // a stream that broke after it began is cut short, whatever broke it
      ended = { ...f, outcome: f.outcome === 'cancelled' || f.outcome === 'timeout' ? f.outcome : 'truncated' };
      if (!res.destroyed) res.write(`data: ${JSON.stringify({ error: { message: e.message, type: e.type } })}\n\n`);
    }
    // what arrived is kept for inspection, whatever the outcome
    this.finish(call, { ...ended, response: acc.summary(true), rawResponse: raw.join(''), firstByteAt });
    res.end();
  }

  private finish(call: UpstreamCall, o: Outcome): void {
    const done = this.deps.store.calls.finish(call, { ...o, endedAt: Date.now() });
    this.deps.events.emit('calls:recorded', done);
    this.deps.hooks.callFinished?.(done);
  }
}

/** How a call that failed in transport ended: cancelled by its caller, too slow, unreachable, or broken. */
function failure(e: HttpError, signal: AbortSignal): { status: number; outcome: CallOutcome; error: string } {
  if (signal.aborted) {
    const why = signal.reason instanceof Error ? signal.reason.message : 'cancelled';
    return { status: 499, outcome: 'cancelled', error: `cancelled: ${why}` };
  }
  if (e.status === 504) return { status: 504, outcome: 'timeout', error: e.message };
  if (e.type === 'upstream_unreachable') return { status: 502, outcome: 'unreachable', error: e.message };
  return { status: e.status, outcome: 'error', error: e.message };
}
