// The upstream recorder: the OpenAI-compatible provider every agent runtime calls. It checks the
// per-episode key, stores each request byte-exact before forwarding it, passes streams through
// chunk by chunk while reassembling them, and serves AReaL's reward and export routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Episode, UpstreamCall } from '../../../shared/domain.ts';
import { exportBody, rlRewardBody, rlStartBody } from '../../../shared/schemas.ts';
import { bearerToken, parseJson, readBody, readJson, requireJsonType } from '../http/body.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import { HttpService, route } from '../http/server.ts';
import type { EngineEvents } from '../events.ts';
import { ChatAccumulator, SseParser } from '../runtime/sse.ts';
import type { Store } from '../store/store.ts';
import type { Forwarder, UpstreamTarget } from './forward.ts';
import { toHttpError } from './forward.ts';
import { interactionRewards } from './trajectories.ts';
import type { LeakAnalyzer } from '../analysis/analyzer.ts';

export interface RecorderDeps {
  store: Store;
  events: EngineEvents;
  forwarder: Forwarder;
  /** Where calls go when the episode has no override: the scripted model or a real upstream. */
  upstream: UpstreamTarget;
  adminKey: string;
  bodyLimit: number;
  /** The turn in flight for a session, if any: calls made meanwhile belong to it. */
  currentTurn(sessionKey: string): string | null;
  /** Creates a session with one open episode for /rl/start_session. */
  startRlSession(taskId: string, apiKey: string | undefined): Promise<Episode>;
  /** Ends an episode started anywhere (DataProxy or /rl). */
  endEpisode(episodeId: string): Promise<void>;
  /** Leak detectors, run on every call as it is recorded. */
  analyzer?: LeakAnalyzer;
}

// Headers worth keeping with a recorded request; hop-by-hop ones say nothing about the call.
const SKIP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export class UpstreamRecorder {
  private readonly deps: RecorderDeps;
  private readonly service: HttpService;
  private baseUrl = '';

  constructor(deps: RecorderDeps) {
    this.deps = deps;
    this.service = new HttpService('upstream-recorder', [
      route('GET', '/v1/models', (req, res) => this.models(req, res)),
      route('POST', '/v1/chat/completions', (req, res) => this.chat(req, res)),
      route('POST', '/rl/start_session', (req, res) => this.rlStart(req, res)),
      route('POST', '/rl/set_reward', (req, res) => this.rlReward(req, res)),
      route('POST', '/rl/end_session', (req, res) => this.rlEnd(req, res)),
      route('POST', '/export_trajectories', (req, res) => this.exportTrajectories(req, res)),
    ]);
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

  private episodeFor(req: IncomingMessage, requireOpen: boolean): { id: string; session_key: string; status: 'open' | 'ended'; key: string } {
    const key = bearerToken(req);
    const info = key ? this.deps.store.keyInfo(key) : undefined;
    if (!key || !info) throw new HttpError(401, 'unknown upstream key: use the sk-sess-… key of an open episode');
    if (requireOpen && info.status !== 'open') {
      this.deps.analyzer?.staleKey(info.id, info.session_key);
      throw new HttpError(401, 'this episode has ended; its upstream key is no longer valid');
    }
    return { ...info, key };
  }

  private requireAdmin(req: IncomingMessage): void {
    if (bearerToken(req) !== this.deps.adminKey) throw new HttpError(401, 'missing or wrong admin key');
  }

  private target(episodeId: string): UpstreamTarget {
    const o = this.deps.store.upstreamOverride(episodeId);
    return o ? { baseUrl: o.baseUrl, apiKey: o.apiKey, model: o.model ?? this.deps.upstream.model } : this.deps.upstream;
  }

  private async models(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ep = this.episodeFor(req, true);
    const up = await this.deps.forwarder.request(this.target(ep.id), 'GET', '/models', null);
    const text = await up.body.text();
    res.writeHead(up.statusCode, { 'content-type': 'application/json' });
    res.end(text);
  }

  private async chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ep = this.episodeFor(req, true);
    const bytes = await readBody(req, this.deps.bodyLimit);
    requireJsonType(req);
    const body = parseJson(bytes) as { messages?: unknown; stream?: unknown };
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) throw new HttpError(400, 'body must be a JSON object with a messages array');

    const { store, events } = this.deps;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!SKIP_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const call = store.insertCall({
      upstreamKey: ep.key, sessionKey: ep.session_key, episodeId: ep.id, turnId: this.deps.currentTurn(ep.session_key),
      path: '/v1/chat/completions', headers, body: bytes, startedAt: Date.now(),
    });
    events.emit('calls:recorded', call);
    // The detectors run right after the request is on its way, not before: they must not delay it.
    setImmediate(() => {
      try {
        this.deps.analyzer?.analyzeCall(call, bytes);
      } catch (err) {
        // a detector fault must never cost a recording
        process.emitWarning(`trajscope: leak analysis failed for ${call.id}: ${(err as Error).message}`);
      }
    });

    const abort = new AbortController();
    res.on('close', () => !res.writableFinished && abort.abort(new Error('the caller disconnected')));
    const target = this.target(ep.id);
    let firstByteAt: number | null = null;
    let finished = false;
    const finish = (r: Parameters<UpstreamRecorder['finish']>[1]) => {
      finished = true;
      this.finish(call, r);
    };
    try {
      const up = await this.deps.forwarder.request(target, 'POST', '/chat/completions', bytes, abort.signal);
      firstByteAt = Date.now();
      const type = String(up.headers['content-type'] ?? '');
      if (up.statusCode !== 200) {
        const text = await up.body.text();
        finish({ status: up.statusCode, error: `upstream answered ${up.statusCode}: ${text.slice(0, 500)}`, response: null, rawResponse: text, firstByteAt });
        res.writeHead(up.statusCode, { 'content-type': type.includes('json') ? 'application/json' : 'text/plain' });
        res.end(text);
        return;
      }
      if (type.includes('text/event-stream')) {
        finished = true; // passStream always records the outcome itself
        await this.passStream(call, up.body, res, firstByteAt);
        return;
      }
      const text = await up.body.text();
      const acc = new ChatAccumulator();
      let error: string | null = null;
      try {
        acc.pushCompletion(JSON.parse(text));
      } catch {
        error = 'upstream sent a body that is not JSON';
      }
      finish({ status: error ? 502 : 200, error, response: error ? null : acc.summary(false), rawResponse: text, firstByteAt });
      if (error) throw new HttpError(502, error);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    } catch (err) {
      const e = toHttpError(err, new URL(target.baseUrl).origin);
      if (!finished) finish({ status: e.status, error: e.message, response: null, rawResponse: null, firstByteAt });
      throw e;
    }
  }

  /** Relays an SSE body chunk by chunk; a mid-stream failure ends the stream with an error event. */
  private async passStream(call: UpstreamCall, body: AsyncIterable<Buffer>, res: ServerResponse, firstByteAt: number): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const parser = new SseParser();
    const acc = new ChatAccumulator();
    const raw: string[] = [];
    const decoder = new TextDecoder();
    let error: string | null = null;
    let status = 200;
    try {
      for await (const chunk of body) {
        raw.push(decoder.decode(chunk, { stream: true }));
        for (const ev of parser.push(chunk)) acc.pushData(ev.data);
        res.write(chunk);
      }
      for (const ev of parser.end()) acc.pushData(ev.data);
      if (!acc.complete) error = acc.error?.message ?? (acc.chunkCount === 0 ? 'upstream stream held no valid chunk' : 'upstream stream ended before it was complete');
    } catch (err) {
      const e = toHttpError(err, 'upstream');
      error = e.message;
      status = e.status;
      if (!res.destroyed) res.write(`data: ${JSON.stringify({ error: { message: e.message, type: e.type } })}\n\n`);
    }
    this.finish(call, { status, error, response: acc.summary(true), rawResponse: raw.join(''), firstByteAt });
    res.end();
  }

  private finish(call: UpstreamCall, r: { status: number; error: string | null; response: unknown; rawResponse: string | null; firstByteAt: number | null }): void {
    const done = this.deps.store.finishCall(call, { ...r, endedAt: Date.now() });
    this.deps.events.emit('calls:recorded', done);
  }

  private async rlStart(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requireAdmin(req);
    const body = await readJson(req, this.deps.bodyLimit, rlStartBody);
    if (body.api_key && this.deps.store.keyInfo(body.api_key)) throw new HttpError(409, 'that api_key is already bound to an episode');
    const ep = await this.deps.startRlSession(body.task_id, body.api_key);
    sendJson(res, 200, { session_id: ep.id, api_key: ep.upstreamKey });
  }

  private async rlReward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ep = this.episodeFor(req, false);
    const body = await readJson(req, this.deps.bodyLimit, rlRewardBody);
    if (ep.status !== 'open') throw new HttpError(410, 'this episode has ended; rewards go through the workbench now');
    const calls = this.deps.store.listCalls({ episodeId: ep.id });
    if (calls.length === 0) throw new HttpError(400, 'no interaction recorded for this key yet');
    const callId = body.interaction_id ?? calls[calls.length - 1]!.id;
    if (!calls.some((c) => c.id === callId)) throw new HttpError(400, `unknown interaction_id ${callId}`);
    const reward = this.deps.store.insertReward({ episodeId: ep.id, callId, value: body.reward, source: 'api' });
    this.deps.events.emit('rewards:changed', reward);
    sendJson(res, 200, { message: 'success', interaction_count: calls.length });
  }

  private async rlEnd(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ep = this.episodeFor(req, false);
    await readBody(req, this.deps.bodyLimit);
    if (ep.status !== 'open') throw new HttpError(410, 'this episode has already ended');
    await this.deps.endEpisode(ep.id);
    sendJson(res, 200, { message: 'success', interaction_count: this.deps.store.listCalls({ episodeId: ep.id }).length });
  }

  private async exportTrajectories(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requireAdmin(req);
    const body = await readJson(req, this.deps.bodyLimit, exportBody);
    const episode = this.deps.store.getEpisode(body.session_id);
    if (!episode) throw new HttpError(404, `unknown session_id ${body.session_id}`);
    sendJson(res, 200, { interactions: trajectories(this.deps.store, episode.id, body.discount ?? 1, body.style ?? 'individual') });
  }
}

/** AReaL's trajectory shape: each successful interaction with its prompt, reply and return. */
export function trajectories(store: Store, episodeId: string, discount: number, style: 'individual' | 'concat'): Record<string, unknown> {
  const calls = store.callDetails(episodeId).filter((c) => c.status === 200 && c.response);
  const rewards = interactionRewards(calls, store.listRewards(episodeId), discount);
  const items = calls.map((c, i) => {
    const req = JSON.parse(c.requestBody) as { messages: unknown[] };
    const r = c.response!;
    const response = { role: 'assistant', content: r.text, ...(r.toolCalls.length ? { tool_calls: r.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })) } : {}) };
    return { interaction_id: c.id, turn_id: c.turnId, messages: req.messages, response, reward: rewards[i]!.reward, own_reward: rewards[i]!.own, usage: r.usage };
  });
  const chosen = style === 'individual' ? items : concatByTurn(items);
  return Object.fromEntries(chosen.map((it) => [it.interaction_id, it]));
}

/** concat: one entry per turn, its last call (whose prompt holds the turn's earlier calls) with the turn's return. */
function concatByTurn<T extends { turn_id: string | null; reward: number; interaction_id: string }>(items: T[]): T[] {
  const byTurn = new Map<string, T[]>();
  for (const it of items) {
    const k = it.turn_id ?? it.interaction_id;
    byTurn.set(k, [...(byTurn.get(k) ?? []), it]);
  }
  return [...byTurn.values()].map((group) => ({ ...group[group.length - 1]!, reward: group[0]!.reward }));
}
