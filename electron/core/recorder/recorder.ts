// The upstream recorder: the OpenAI-compatible provider every agent runtime calls. It checks the
// per-episode key, stores each request byte-exact before forwarding it (relay.ts passes the answer
// through and records it), and re-sends recorded calls as forks. AReaL's reward and export routes
// live in rl-routes.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Episode, UpstreamCall } from '../../../shared/domain.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import type { EngineEvents } from '../events.ts';
import { bearerToken, parseJson, readBody, requireJsonType, type WithHeaders } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { sameSecret } from '../http/secret.ts';
import { exchange, type LocalHandler } from '../http/local.ts';
import type { HttpPolicy } from '../http/policy.ts';
import { HttpService, route } from '../http/server.ts';
import { DISCARD, type Sink } from '../http/sink.ts';
import type { Forwarder, UpstreamTarget } from '../model-client/forward.ts';
import type { KeyInfo } from '../store/episodes-repo.ts';
import type { Store } from '../store/store.ts';
import type { UpstreamDirectory } from './connections.ts';
import { CallRelay } from './relay.ts';
import { rlRoutes, type RlDeps } from './rl-routes.ts';

export interface RecorderHooks {
  /** Runs as a request is recorded (the leak detectors): it must not delay the call, nor throw. */
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
  /** The longest line of a streamed answer (`sseLineLimit`). */
  sseLineLimit?: number;
  policy: HttpPolicy;
  /**
   * The turn a call belongs to: the session's turn in flight, or, for an external agent, the turn
   * its conversation implies; null for a call outside any turn.
   */
  attributeCall(episode: KeyInfo, messages: ChatMessage[]): string | null;
  hooks: RecorderHooks;
  /** Whether a URL names one of this engine's own servers (the recorder, the DataProxy): a loop. */
  isOwnServer?(url: string): boolean;
  /** The open episode of AReaL's human-in-the-loop session (calls with the admin key), opened on demand. */
  hitlEpisode(): Promise<Episode>;
  /** Whether to ask model servers for token ids and logprobs (recorder/token-fields.ts). */
  askTokens?(): boolean;
  warn(message: string): void;
}

// Headers worth keeping with a recorded request; hop-by-hop ones say nothing about the call.
const SKIP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export class UpstreamRecorder {
  private readonly deps: RecorderDeps;
  private readonly service: HttpService;
  private baseUrl = '';
  /** Calls on their way upstream, so that a closed session's can be cancelled. */
  private readonly relay: CallRelay;

  constructor(deps: RecorderDeps) {
    this.deps = deps;
    this.relay = new CallRelay({
      store: deps.store,
      events: deps.events,
      forwarder: deps.forwarder,
      sseLineLimit: deps.sseLineLimit,
      callFinished: (call) => deps.hooks.callFinished?.(call),
      askTokens: () => deps.askTokens?.() ?? false,
      warn: (m) => deps.warn(m),
    });
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
    return this.relay.cancelEpisode(episodeId, reason);
  }

  /**
   * The episode a bearer key belongs to; 401 for unknown keys and, when asked, for ended episodes.
   * The admin key, where allowed, stands for AReaL's human-in-the-loop session.
   */
  private async episodeFor(req: WithHeaders, opts: { requireOpen: boolean; allowAdmin: boolean }) {
    const key = bearerToken(req);
    if (opts.allowAdmin && sameSecret(key, this.deps.adminKey)) {
      const hitl = await this.deps.hitlEpisode();
      return { ...this.deps.store.episodes.keyInfo(hitl.upstreamKey)!, key: hitl.upstreamKey };
    }
    const requireOpen = opts.requireOpen;
    const info = key ? this.deps.store.episodes.keyInfo(key) : undefined;
    if (!key || !info) throw new HttpError(401, 'unknown upstream key: use the sk-sess-… key of an open episode');
    if (requireOpen && info.status !== 'open') {
      this.deps.hooks.staleKey?.(info.id, info.sessionKey);
      throw new HttpError(401, 'this episode has ended; its upstream key is no longer valid');
    }
    return { ...info, key };
  }

  private async models(req: WithHeaders, res: Sink): Promise<void> {
    const ep = await this.episodeFor(req, { requireOpen: true, allowAdmin: true });
    const up = await this.deps.forwarder.request(this.target(ep.upstreamId), 'GET', '/models', null);
    const text = await up.body.text();
    res.writeHead(up.statusCode, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
    res.end(text);
  }

  private async chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ep = await this.episodeFor(req, { requireOpen: true, allowAdmin: true });
    const bytes = await readBody(req, this.deps.bodyLimit);
    const abort = new AbortController();
    res.on('close', () => !res.writableFinished && abort.abort(new Error('the caller disconnected')));
    await this.record(ep, req, bytes, res, abort);
  }

  /**
   * Requests from this engine's own runtime (DirectRuntime), answered in-process by the same code
   * as the HTTP routes: the same checks, the same record, the same answer.
   */
  readonly local: LocalHandler = (req) =>
    exchange(req, async (sink, gone) => {
      const path = req.path.split('?')[0];
      if (req.method === 'GET' && path === '/v1/models') return this.models(req, sink);
      if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
        throw new HttpError(404, `no route for ${req.method} ${path}`);
      }
      const ep = await this.episodeFor(req, { requireOpen: true, allowAdmin: true });
      const bytes = req.body ?? Buffer.alloc(0);
      if (bytes.length > this.deps.bodyLimit) {
        throw new HttpError(413, `request body exceeds the limit of ${this.deps.bodyLimit} bytes`);
      }
      const abort = new AbortController();
      gone.addEventListener('abort', () => abort.abort(new Error('the caller disconnected')), { once: true });
      await this.record(ep, req, bytes, sink, abort);
    });

  /** Stores a chat request byte-exact, then forwards it and relays the answer to `res`. */
  private async record(
    ep: KeyInfo & { key: string },
    req: WithHeaders,
    bytes: Buffer,
    res: Sink,
    abort: AbortController,
  ): Promise<void> {
    requireJsonType(req);
    const body = parseJson(bytes) as { messages?: unknown; stream?: unknown };
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
      throw new HttpError(400, 'body must be a JSON object with a messages array');
    }

    const { store, events } = this.deps;
    const target = this.target(ep.upstreamId); // refused before anything is recorded
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!SKIP_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const call = store.calls.insert({
      upstreamKey: ep.key,
      sessionKey: ep.sessionKey,
      episodeId: ep.id,
      turnId: this.deps.attributeCall(ep, body.messages as ChatMessage[]),
      path: '/v1/chat/completions',
      headers,
      body: bytes,
      startedAt: Date.now(),
    });
    events.emit('calls:recorded', call);
    this.deps.hooks.requestRecorded?.(call, bytes);

    const streaming = (body as { stream?: unknown }).stream === true;
    await this.relay.relay(call, target, bytes, streaming, res, abort, body as Record<string, unknown>);
  }

  /**
   * Where an episode's calls go: refused (508) when that is this engine itself — the recorder would
   * record its own forwarded call, forward it again, and so on until every turn timed out.
   */
  private target(upstreamId: string | null): UpstreamTarget {
    const target = this.deps.upstreams.target(upstreamId);
    if (this.deps.isOwnServer?.(target.baseUrl)) {
      throw new HttpError(
        508,
        `the upstream ${target.baseUrl} is this engine's own server: its calls would loop back here; ` +
          'point upstreamUrl at your model server',
        'upstream_loop',
      );
    }
    return target;
  }

  /**
   * Re-sends a recorded call, edited or not, to its episode's upstream or another connection, and
   * records it as a fork of the original (whose row is never touched). Resolves when the answer is in.
   */
  async fork(
    original: UpstreamCall,
    body: Buffer,
    upstream: { id: string | null; label: string },
  ): Promise<UpstreamCall> {
    const parsed = parseJson(body) as { stream?: unknown };
    const target = this.target(upstream.id);
    const call = this.deps.store.calls.insert({
      upstreamKey: original.upstreamKey,
      sessionKey: original.sessionKey,
      episodeId: original.episodeId,
      turnId: null,
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body,
      startedAt: Date.now(),
      fork: { of: original.id, upstream: upstream.label },
    });
    this.deps.events.emit('calls:recorded', call);
    try {
      await this.relay.relay(call, target, body, parsed.stream === true, DISCARD, new AbortController());
    } catch {
      /* the outcome is in the fork's record: a failed fork is still a fork */
    }
    return this.deps.store.calls.get(call.id)!;
  }
}
