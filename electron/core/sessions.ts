// Session semantics of the DataProxy: per-session locks, episodes with their own upstream keys,
// turns that replay exactly the open episode's history, rewards, and close. Both the HTTP routes
// and the workbench API go through here, so the rules hold whichever door a request used.
import type { Episode, HistoryMessage, RuntimeKind, SessionInfo, ToolCall, Turn } from '../../shared/domain.ts';
import type { EngineEvents } from './events.ts';
import { HttpError } from './http/errors.ts';
import { RuntimeError, type AgentRuntime, type TrainingContext, type TurnEmitter, type TurnResult } from './runtime/types.ts';
import type { Store } from './store/store.ts';
import { mintEpisodeKey } from './upstream/keys.ts';

interface LiveSession {
  tail: Promise<void>;
  currentTurn: string | null;
  closed: boolean;
  pending: number;
}

export interface SessionDeps {
  store: Store;
  events: EngineEvents;
  runtimes: Partial<Record<RuntimeKind, AgentRuntime>>;
  defaultRuntime(): RuntimeKind;
  /** Base URL (with /v1) of the upstream recorder, and the model runtimes should ask for. */
  recorderUrl(): string;
  model: string;
}

export interface TurnInput {
  message: string;
  metadata?: Record<string, unknown>;
  inf_base_url?: string;
  session_api_key?: string;
  inf_model?: string;
}

export interface TurnOutcome { turn: Turn; result: TurnResult; episode: { id: string; index: number } }

export class SessionManager {
  private readonly deps: SessionDeps;
  private readonly live = new Map<string, LiveSession>();

  constructor(deps: SessionDeps) {
    this.deps = deps;
  }

  get activeCount(): number {
    return this.live.size;
  }

  currentTurn(key: string): string | null {
    return this.live.get(key)?.currentTurn ?? null;
  }

  private liveState(key: string): LiveSession {
    let s = this.live.get(key);
    if (!s) {
      s = { tail: Promise.resolve(), currentTurn: null, closed: false, pending: 0 };
      this.live.set(key, s);
    }
    return s;
  }

  /** Runs `fn` with the session's lock held: operations on one session never interleave. */
  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const s = this.liveState(key);
    const prev = s.tail;
    let release!: () => void;
    s.tail = new Promise<void>((r) => (release = r));
    s.pending++;
    try {
      await prev;
      if (s.closed) throw new HttpError(409, `session ${key} was closed while this request waited`, 'session_closed');
      return await fn();
    } finally {
      s.pending--;
      release();
    }
  }

  private runtimeFor(kind: RuntimeKind): AgentRuntime {
    const rt = this.deps.runtimes[kind];
    if (!rt) throw new HttpError(400, `runtime "${kind}" is not available on this host`);
    return rt;
  }

  /** Creates the session (or reopens a closed one) with the given or default runtime. */
  ensure(key: string, runtime?: RuntimeKind): void {
    const kind = runtime ?? this.deps.store.getSession(key)?.runtime ?? this.deps.defaultRuntime();
    this.runtimeFor(kind);
    const existing = this.deps.store.getSession(key);
    if (!existing || existing.closed_at !== null || existing.runtime !== kind) {
      this.deps.store.ensureSession(key, kind);
      if (existing && existing.runtime !== kind) this.deps.store.setSessionRuntime(key, kind);
    }
    this.liveState(key);
    if (!existing || existing.closed_at !== null || existing.runtime !== kind) this.emitSession(key);
  }

  /** The runtime a turn of this session would use (the default for a new session). */
  runtimeOf(key: string): RuntimeKind {
    return this.deps.store.getSession(key)?.runtime ?? this.deps.defaultRuntime();
  }

  info(key: string): SessionInfo | null {
    const row = this.deps.store.getSession(key);
    if (!row) return null;
    const stats = this.deps.store.sessionStats(key);
    const live = this.live.get(key);
    const gateway = this.deps.runtimes[row.runtime]?.describe?.(key) ?? null;
    const state = row.closed_at !== null ? 'closed' : gateway?.state ?? (live?.currentTurn ? 'busy' : 'idle');
    return {
      key, runtime: row.runtime, state, createdAt: row.created_at, closedAt: row.closed_at, episodeCount: stats.episode_count,
      openEpisodeId: stats.open_episode_id, turnCount: stats.turn_count, lastReward: stats.last_reward, alertCount: stats.alert_count, gateway,
    };
  }

  list(): SessionInfo[] {
    return this.deps.store.listSessions().map((r) => this.info(r.key)!);
  }

  /** Tells listeners the session changed (runtimes call this when a gateway's state or stats move). */
  notify(key: string): void {
    this.emitSession(key);
  }

  /** Tells listeners the session changed; builds the snapshot only when someone listens. */
  private emitSession(key: string): void {
    if (this.deps.events.has('sessions:changed')) this.deps.events.emit('sessions:changed', this.info(key)!);
  }

  private context(ep: Episode): TrainingContext {
    return { episodeId: ep.id, upstreamKey: ep.upstreamKey, taskId: ep.taskId };
  }

  startEpisode(key: string, opts: { taskId?: string; metadata?: Record<string, unknown>; upstreamKey?: string } = {}): Promise<Episode> {
    this.ensure(key);
    return this.withLock(key, () => this.startEpisodeLocked(key, opts));
  }

  private async startEpisodeLocked(key: string, opts: { taskId?: string; metadata?: Record<string, unknown>; upstreamKey?: string }): Promise<Episode> {
    const { store, events } = this.deps;
    const previous = store.openEpisode(key);
    if (previous) await this.endEpisodeLocked(key, previous, undefined);
    const rt = this.runtimeFor(store.getSession(key)!.runtime);
    const upstreamKey = opts.upstreamKey ?? rt.proposeEpisodeKey?.(key) ?? mintEpisodeKey();
    const episode = store.insertEpisode({ sessionKey: key, taskId: opts.taskId ?? null, metadata: opts.metadata ?? {}, upstreamKey });
    try {
      await rt.onEpisodeStart?.(key, this.context(episode));
    } catch (err) {
      // The runtime could not bind the key: the episode must not stay open half-started.
      store.endEpisode(episode.id);
      events.emit('episodes:changed', store.getEpisode(episode.id)!);
      throw new HttpError(502, `the runtime could not start the episode: ${(err as Error).message}`, 'runtime_error');
    }
    events.emit('episodes:changed', episode);
    this.emitSession(key);
    return episode;
  }

  endEpisode(key: string, reward: number | undefined): Promise<{ episode: Episode; reward: number | null }> {
    if (!this.deps.store.getSession(key)) throw new HttpError(404, `unknown session ${key}`);
    return this.withLock(key, async () => {
      const open = this.deps.store.openEpisode(key);
      if (!open) throw new HttpError(409, `session ${key} has no open episode`, 'no_open_episode');
      return this.endEpisodeLocked(key, open, reward);
    });
  }

  /** Ends an episode by id (from /rl/end_session), through its session's lock. */
  async endEpisodeById(episodeId: string): Promise<void> {
    const ep = this.deps.store.getEpisode(episodeId);
    if (!ep) throw new HttpError(404, `unknown episode ${episodeId}`);
    await this.withLock(ep.sessionKey, async () => {
      const now = this.deps.store.getEpisode(episodeId)!;
      if (now.status === 'open') await this.endEpisodeLocked(ep.sessionKey, now, undefined);
    });
  }

  private async endEpisodeLocked(key: string, ep: Episode, reward: number | undefined): Promise<{ episode: Episode; reward: number | null }> {
    const { store, events } = this.deps;
    store.db.tx(() => {
      if (reward !== undefined) events.emit('rewards:changed', store.insertReward({ episodeId: ep.id, value: reward, source: 'api' }));
      store.endEpisode(ep.id);
    });
    const ended = store.getEpisode(ep.id)!;
    events.emit('episodes:changed', ended);
    const rt = this.deps.runtimes[store.getSession(key)!.runtime];
    await rt?.onEpisodeEnd?.(key, this.context(ended))?.catch(() => {});
    this.emitSession(key);
    return { episode: ended, reward: ended.reward };
  }

  history(key: string): HistoryMessage[] {
    const open = this.deps.store.openEpisode(key);
    return open ? this.deps.store.history(open.id) : [];
  }

  /** A reward from the agent side for the open episode, or for one of its turns. */
  reward(key: string, r: { reward: number; turn_id?: string; note?: string; labeler?: string }) {
    const { store, events } = this.deps;
    if (!store.getSession(key)) throw new HttpError(404, `unknown session ${key}`);
    let episodeId: string;
    if (r.turn_id) {
      const turn = store.getTurn(r.turn_id);
      if (!turn || turn.sessionKey !== key) throw new HttpError(404, `unknown turn ${r.turn_id} in session ${key}`);
      if (store.getEpisode(turn.episodeId)!.status !== 'open') throw new HttpError(409, `turn ${r.turn_id} belongs to an ended episode`, 'episode_ended');
      episodeId = turn.episodeId;
    } else {
      const open = store.openEpisode(key);
      if (!open) throw new HttpError(409, `session ${key} has no open episode to reward`, 'no_open_episode');
      episodeId = open.id;
    }
    const saved = store.insertReward({ episodeId, turnId: r.turn_id ?? null, value: r.reward, source: 'api', labeler: r.labeler ?? null, note: r.note ?? null });
    events.emit('rewards:changed', saved);
    this.emitSession(key);
    return saved;
  }

  /** Runs one turn: lock, replay the open episode's history, call the runtime, store the result. */
  turn(key: string, input: TurnInput, emitter: TurnEmitter): Promise<TurnOutcome> {
    this.ensure(key);
    return this.withLock(key, async () => {
      const { store, events } = this.deps;
      const episode = store.openEpisodeRef(key) ?? (await this.startEpisodeLocked(key, {}));
      if (input.inf_base_url && input.session_api_key) {
        store.setUpstreamOverride(episode.id, { baseUrl: input.inf_base_url, apiKey: input.session_api_key, model: input.inf_model ?? null });
      }
      const history = store.history(episode.id);
      const turn = store.insertTurn({ episodeId: episode.id, sessionKey: key, message: input.message, historyLength: history.length });
      const live = this.liveState(key);
      live.currentTurn = turn.id;
      events.emit('turns:changed', turn);
      const rt = this.runtimeFor(store.getSession(key)!.runtime);
      const model = input.inf_model ?? this.deps.model;
      let result: TurnResult;
      try {
        result = await rt.run({
          sessionKey: key, episodeId: episode.id, turnId: turn.id, history, message: input.message, metadata: input.metadata ?? {},
          upstream: { baseUrl: this.deps.recorderUrl(), apiKey: episode.upstreamKey, model },
        }, emitter);
      } catch (err) {
        const e = err instanceof RuntimeError || err instanceof HttpError ? err : new RuntimeError(502, `the runtime failed: ${(err as Error).message}`);
        const failed = store.finishTurn(turn.id, { ok: false, reply: null, toolCalls: [], error: e.message });
        live.currentTurn = null;
        events.emit('turns:changed', failed);
        this.emitSession(key);
        throw new HttpError(e.status, e.message, e.type);
      }
      // The model's tool calls as recorded upstream (an agent runs most tools itself, so its reply
      // stream shows few of them); the runtime's own list when nothing went through the recorder.
      const recorded = store.listCalls({ turnId: turn.id }).flatMap((c) => c.response?.toolCalls ?? []).map((c, index) => ({ ...c, index }));
      const toolCalls = recorded.length > 0 ? recorded : result.toolCalls;
      result = { ...result, toolCalls };
      const done = store.finishTurn(turn.id, { ok: true, reply: result.text, toolCalls, error: null });
      live.currentTurn = null;
      events.emit('turns:changed', done);
      this.emitSession(key);
      return { turn: done, result, episode: { id: episode.id, index: episode.index } };
    });
  }

  /** Closes a session: queued requests fail, the runtime lets go of it, its open episode ends. Idempotent. */
  async close(key: string): Promise<void> {
    const { store } = this.deps;
    const live = this.live.get(key);
    if (live) live.closed = true;
    this.live.delete(key);
    const row = store.getSession(key);
    if (!row) return;
    await this.deps.runtimes[row.runtime]?.closeSession(key);
    const open = store.openEpisode(key);
    if (open) {
      store.endEpisode(open.id);
      this.deps.events.emit('episodes:changed', store.getEpisode(open.id)!);
    }
    store.markSessionClosed(key);
    this.emitSession(key);
  }

  async closeAll(): Promise<void> {
    for (const s of this.live.values()) s.closed = true;
    this.live.clear();
    await Promise.all(Object.values(this.deps.runtimes).map((rt) => rt?.closeAll()));
  }
}

/** AReaL's view of the tool calls a turn made: name and parsed input. */
export function toolCallSummary(calls: ToolCall[]): Array<{ name: string; input: unknown }> {
  return calls.map((c) => {
    let input: unknown = c.arguments;
    try {
      input = JSON.parse(c.arguments);
    } catch { /* keep the raw text */ }
    return { name: c.name, input };
  });
}
