// Session semantics of the DataProxy: per-session locks, episodes with their own upstream keys and
// connections, turns that replay exactly the open episode's history, and close. The HTTP routes
// and the workbench API both go through here, so the rules hold whichever door a request used.
import type { Episode, HistoryMessage, Page, RuntimeKind, SessionInfo, SessionOrigin } from '../../../shared/domain.ts';
import { HttpError } from '../http/errors.ts';
import { mintEpisodeKey } from '../tokens.ts';
import type { AgentRuntime, SessionRunOptions, TrainingContext, TurnEmitter } from '../runtime/types.ts';
import { sessionInfo } from './info.ts';
import { LiveSessions } from './live.ts';
import { runTurn } from './turns.ts';
import type { EpisodeOptions, SessionDeps, TurnInput, TurnOutcome } from './types.ts';
import { capabilitiesOf } from '../../../shared/runtimes.ts';

export type { EpisodeOptions, SessionDeps, TurnInput, TurnOutcome } from './types.ts';

/** How long close waits for a cancelled turn to settle. */
const CLOSE_WAIT_MS = 10_000;

export class SessionManager {
  private readonly deps: SessionDeps;
  private readonly live = new LiveSessions();

  constructor(deps: SessionDeps) {
    this.deps = deps;
  }

  get activeCount(): number {
    return this.live.size;
  }

  currentTurn(key: string): string | null {
    return this.live.get(key)?.currentTurn ?? null;
  }

  private runtimeFor(kind: RuntimeKind): AgentRuntime {
    const rt = this.deps.runtimes[kind];
    if (!rt) throw new HttpError(400, `runtime "${kind}" is not available on this host`);
    return rt;
  }

  /** Creates the session (or reopens a closed one) with the given or default runtime. */
  ensure(
    key: string,
    runtime?: RuntimeKind,
    origin: SessionOrigin = runtime === 'external' ? 'external' : 'live',
  ): void {
    const { store } = this.deps;
    const existing = store.sessions.get(key);
    const kind = runtime ?? existing?.runtime ?? this.deps.defaultRuntime();
    this.runtimeFor(kind);
    const changed = !existing || existing.closedAt !== null || existing.runtime !== kind;
    if (changed) {
      store.sessions.ensure(key, kind, Date.now(), existing?.origin ?? this.deps.origin ?? origin);
      if (existing && existing.runtime !== kind) store.sessions.setRuntime(key, kind);
    }
    // a session's own settings outlive the process: applied again the first time it is live here
    if (!this.live.get(key)) {
      const options = store.sessions.get(key)?.runOptions;
      if (options) this.deps.runtimes[kind]?.configure?.(key, options as SessionRunOptions);
    }
    this.live.ensure(key);
    if (changed) this.notify(key);
  }

  /** Gives a session settings of its own (kept with it), before its first episode. */
  configure(key: string, options: SessionRunOptions): void {
    const row = this.deps.store.sessions.get(key);
    if (!row) throw new HttpError(404, `unknown session ${key}`);
    this.deps.store.sessions.setRunOptions(key, options as Record<string, unknown>);
    this.deps.runtimes[row.runtime]?.configure?.(key, options);
  }

  /** The settings a session runs with beyond the engine's. */
  runOptions(key: string): SessionRunOptions {
    return (this.deps.store.sessions.get(key)?.runOptions ?? {}) as SessionRunOptions;
  }

  /** The runtime a turn of this session would use (the default for a new session). */
  runtimeOf(key: string): RuntimeKind {
    return this.deps.store.sessions.get(key)?.runtime ?? this.deps.defaultRuntime();
  }

  info(key: string): SessionInfo | null {
    return sessionInfo(this.deps, key, this.live.get(key)?.currentTurn ?? null);
  }

  /** A page of sessions, newest first. */
  list(opts: { limit?: number; cursor?: string } = {}): Page<SessionInfo> {
    const page = this.deps.store.sessions.list(opts);
    return { items: page.items.map((r) => this.info(r.key)!), next: page.next };
  }

  /** Tells listeners the session changed; builds the snapshot only when someone listens. */
  notify(key: string): void {
    if (!this.deps.events.has('sessions:changed')) return;
    const info = this.info(key);
    if (info) this.deps.events.emit('sessions:changed', info);
  }

  private context(ep: Episode): TrainingContext {
    return {
      episodeId: ep.id,
      upstreamKey: ep.upstreamKey,
      taskId: ep.taskId,
      model: this.deps.modelOf(ep.upstreamId),
    };
  }

  startEpisode(key: string, opts: EpisodeOptions = {}): Promise<Episode> {
    this.ensure(key);
    return this.live.withLock(key, () => this.startEpisodeLocked(key, opts));
  }

  private async startEpisodeLocked(key: string, opts: EpisodeOptions): Promise<Episode> {
    const { store, events } = this.deps;
    if (store.sessions.get(key)!.origin === 'imported') {
      throw new HttpError(409, `session ${key} was imported: it is read-only`, 'read_only');
    }
    const previous = store.episodes.open(key);
    if (previous) await this.endEpisodeLocked(key, previous, undefined);
    const rt = this.runtimeFor(store.sessions.get(key)!.runtime);
    const adopted = this.adoptable(opts);
    let episode: Episode;
    if (adopted) {
      // the key was minted here by /rl/start_session and handed back as a TrainingContext: the
      // episode it opened moves into this session, so the trainer's session_id stays valid and
      // every call is recorded once
      episode = store.episodes.adopt(adopted.id, key, {
        taskId: opts.taskId ?? adopted.taskId,
        metadata: opts.metadata ?? {},
      });
      store.sessions.removeIfEmpty(adopted.sessionKey);
    } else {
      const upstreamKey = opts.upstreamKey ?? rt.proposeEpisodeKey?.(key) ?? mintEpisodeKey();
      episode = store.episodes.insert({
        sessionKey: key,
        taskId: opts.taskId ?? null,
        metadata: opts.metadata ?? {},
        upstreamKey,
        upstreamId:
          opts.upstreamId !== undefined
            ? opts.upstreamId
            : opts.upstream
              ? this.deps.internUpstream(opts.upstream)
              : this.deps.currentUpstream(),
        groupId: opts.groupId ?? null,
        replayOf: opts.replayOf ?? null,
      });
    }
    try {
      await rt.onEpisodeStart?.(key, this.context(episode));
    } catch (err) {
      // The runtime could not bind the key: the episode must not stay open half-started.
      store.episodes.end(episode.id);
      events.emit('episodes:changed', store.episodes.get(episode.id)!);
      throw new HttpError(502, `the runtime could not start the episode: ${(err as Error).message}`, 'runtime_error');
    }
    events.emit('episodes:changed', episode);
    this.notify(key);
    return episode;
  }

  /** An empty episode of this engine that a TrainingContext hands back (its key, our recorder's URL). */
  private adoptable(opts: EpisodeOptions) {
    const up = opts.upstream;
    if (!up || !this.deps.isRecorderUrl(up.baseUrl)) return null;
    const info = this.deps.store.episodes.keyInfo(up.apiKey);
    if (!info || info.status !== 'open' || this.deps.store.calls.count({ episodeId: info.id }) > 0) return null;
    return info;
  }

  endEpisode(key: string, reward: number | undefined): Promise<{ episode: Episode; reward: number | null }> {
    if (!this.deps.store.sessions.get(key)) throw new HttpError(404, `unknown session ${key}`);
    return this.live.withLock(key, async () => {
      const open = this.deps.store.episodes.open(key);
      if (!open) throw new HttpError(409, `session ${key} has no open episode`, 'no_open_episode');
      return this.endEpisodeLocked(key, open, reward);
    });
  }

  /** Ends an episode by id (AReaL's routes), through its session's lock. */
  async endEpisodeById(episodeId: string): Promise<void> {
    const ep = this.deps.store.episodes.get(episodeId);
    if (!ep) throw new HttpError(404, `unknown episode ${episodeId}`);
    await this.live.withLock(ep.sessionKey, async () => {
      const now = this.deps.store.episodes.get(episodeId)!;
      if (now.status === 'open') await this.endEpisodeLocked(ep.sessionKey, now, undefined);
    });
  }

  private async endEpisodeLocked(
    key: string,
    ep: Episode,
    reward: number | undefined,
  ): Promise<{ episode: Episode; reward: number | null }> {
    const { store, events } = this.deps;
    store.tx(() => {
      if (reward !== undefined) this.deps.rewards.give({ episodeId: ep.id, value: reward, source: 'api' });
      store.episodes.end(ep.id);
    });
    this.deps.episodeEnded(ep.id);
    const ended = store.episodes.get(ep.id)!;
    events.emit('episodes:changed', ended);
    const rt = this.deps.runtimes[store.sessions.get(key)!.runtime];
    try {
      await rt?.onEpisodeEnd?.(key, this.context(ended));
    } catch (err) {
      // the episode has ended either way; the runtime's trouble is reported, not hidden
      this.deps.warn(
        `session ${key}: the runtime failed after episode ${ended.index} ended: ${(err as Error).message}`,
      );
    }
    this.notify(key);
    return { episode: ended, reward: ended.reward };
  }

  hasOpenEpisode(key: string): boolean {
    return this.deps.store.episodes.openRef(key) !== undefined;
  }

  history(key: string): HistoryMessage[] {
    const open = this.deps.store.episodes.openRef(key);
    return open ? this.deps.store.turns.history(open.id) : [];
  }

  /** A reward from the agent side for the open episode, or for one of its turns (rules: RewardBook). */
  reward(key: string, r: { reward: number; turn_id?: string; note?: string; labeler?: string }) {
    return this.deps.rewards.forSession(key, r);
  }

  /** Runs one turn: lock, replay the open episode's history, call the runtime, store the result. */
  turn(key: string, input: TurnInput, emitter: TurnEmitter): Promise<TurnOutcome> {
    const row = this.deps.store.sessions.get(key);
    if (row?.origin === 'imported')
      throw new HttpError(409, `session ${key} was imported: it is read-only`, 'read_only');
    if (row && capabilitiesOf(row.runtime).infersTurns) {
      throw new HttpError(
        409,
        `session ${key} belongs to an external agent: its turns are the calls it makes itself`,
        'external_session',
      );
    }
    this.ensure(key);
    return this.live.withLock(key, async (live) => {
      const episode = this.deps.store.episodes.openRef(key) ?? (await this.startEpisodeLocked(key, {}));
      const rt = this.runtimeFor(this.deps.store.sessions.get(key)!.runtime);
      try {
        return await runTurn(this.deps, rt, live, key, episode, input, emitter);
      } finally {
        this.notify(key);
      }
    });
  }

  /**
   * Closes a session: its turn in flight is cancelled (the runtime call and the episode's upstream
   * calls are aborted; the turn ends "cancelled" and adds nothing to any history), queued requests
   * fail, the runtime lets go of it, its open episode ends. Idempotent.
   */
  async close(key: string): Promise<void> {
    const { store, events } = this.deps;
    const live = this.live.drop(key);
    const row = store.sessions.get(key);
    if (!row) return;
    const open = store.episodes.openRef(key);
    if (open) this.deps.cancelCalls(open.id, `session ${key} was closed`);
    await this.deps.runtimes[row.runtime]?.closeSession(key);
    if (open) {
      store.episodes.end(open.id);
      this.deps.episodeEnded(open.id);
      events.emit('episodes:changed', store.episodes.get(open.id)!);
    }
    store.sessions.markClosed(key);
    // when close answers, the cancelled turn is already stored as such (bounded: a runtime that
    // ignores the abort cannot hold the close forever)
    if (live) await Promise.race([live.tail, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    this.notify(key);
  }

  /** The sessions live in this process (every one a leak-lab engine touched). */
  liveKeys(): string[] {
    return this.live.keys();
  }

  async closeAll(): Promise<void> {
    this.live.dropAll();
    await Promise.all(Object.values(this.deps.runtimes).map((rt) => rt?.closeAll()));
  }
}
