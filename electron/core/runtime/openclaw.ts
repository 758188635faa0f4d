// OpenClawRuntime: every session runs on an OpenClaw gateway bound to the open episode's upstream
// key before any turn uses it — a gateway of its own (per-session mode), or an agent slot of a
// shared gateway (shared mode: shared-seats.ts). Each turn is one streamed chat completion with the
// replayed history and a fresh x-openclaw-session-key (agent-scoped on a shared gateway), so
// OpenClaw's own per-key transcript never feeds an earlier turn a second time. Only this runtime
// talks to a gateway, and it sets the model itself and sends no steering headers.
// Over 300 lines: one session lifecycle (place, bind, run, restart, close) over two placements whose
// steps share the session's slot; split, each half would need the other's state.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { GatewayInfo, GatewayMode, IsolationMode } from '../../../shared/domain.ts';
import { openclawSessionKey } from '../../../shared/openclaw/prompt.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import type { JsonObject, ProviderBinding } from '../gateways/config.ts';
import type { Gateway } from '../gateways/gateway.ts';
import type { GatewayPool } from '../gateways/pool.ts';
import type { GatewaySupervisor } from '../gateways/supervisor.ts';
import { changedSince, snapshot, type Carried, type Snapshot } from '../gateways/workspace.ts';
import type { Forwarder } from '../model-client/forward.ts';
import { streamChat } from '../model-client/stream-chat.ts';
import type { Seat, SharedSeats } from './shared-seats.ts';
import {
  RuntimeError,
  type AgentRuntime,
  type SessionRunOptions,
  type TrainingContext,
  type TurnEmitter,
  type TurnRequest,
  type TurnResult,
} from './types.ts';

export interface OpenClawRuntimeOptions {
  supervisor: GatewaySupervisor;
  pool: GatewayPool;
  seats: SharedSeats;
  forwarder: Forwarder;
  /** The recorder's URL (with /v1): every gateway's provider. */
  recorderUrl(): string;
  isolation(): IsolationMode;
  /** Where new sessions are placed (sessions already placed stay where they are). */
  gatewayMode(): GatewayMode;
  /** Test and leak-lab switch: reuse one OpenClaw session key per session (causes double feed). */
  stableSessionKey?: boolean;
  onChange(sessionKey: string): void;
  /** A session's gateway is about to be replaced on demand (the resource history marks it). */
  onRestart?(sessionKey: string): void;
  /** Workspace files an episode left behind that the next episode starts with. */
  onCarryover?(sessionKey: string, episodeId: string, files: Carried[]): void;
}

interface Slot {
  /** Shared mode: decided at the session's first placement. */
  shared: boolean | null;
  /** Per-session mode: the session's own gateway. */
  gateway: Gateway | null;
  starting: Promise<Gateway> | null;
  /** Shared mode: the agent slot the session sits in. */
  seat: Seat | null;
  seating: Promise<Seat> | null;
  /** The workspace as the previous episode found it, in the same place. */
  workspace: { place: string; snap: Snapshot } | null;
  binding: ProviderBinding | null;
  restarts: number;
}

/** Where a session's turn goes. */
interface Target {
  gw: Gateway;
  /** The `model` a turn asks the gateway for: the agent. */
  model: string;
  /** Prefix of the OpenClaw session keys: agent-scoped on a shared gateway. */
  keyPrefix: string;
  workspace: string;
  /** What identifies the workspace's place (a gateway, or an agent of one). */
  place: string;
}

export class OpenClawRuntime implements AgentRuntime {
  readonly kind = 'openclaw' as const;
  private readonly o: OpenClawRuntimeOptions;
  private readonly slots = new Map<string, Slot>();
  private readonly stableKeys = new Set<string>();
  private readonly options = new Map<string, SessionRunOptions>();

  constructor(options: OpenClawRuntimeOptions) {
    this.o = options;
  }

  /** Stops a gateway and drops the pooled connections to its port. */
  private async stopGateway(gw: Gateway): Promise<void> {
    await this.o.supervisor.stop(gw);
    this.o.forwarder.forget(gw.url);
  }

  private slot(key: string): Slot {
    let s = this.slots.get(key);
    if (!s) {
      s = {
        shared: null,
        gateway: null,
        starting: null,
        seat: null,
        seating: null,
        binding: null,
        restarts: 0,
        workspace: null,
      };
      this.slots.set(key, s);
    }
    return s;
  }

  /** Whether a session sits on a shared gateway: decided once, at its first placement. */
  private isShared(key: string, s: Slot): boolean {
    // a session with a config overlay of its own needs a gateway started with it
    s.shared ??= this.o.gatewayMode() === 'shared' && !this.options.get(key)?.overlay;
    return s.shared;
  }

  /** Test and leak-lab switch for one session: reuse one OpenClaw session key (reproduces double feed). */
  setStableSessionKey(key: string, on: boolean): void {
    if (on) this.stableKeys.add(key);
    else this.stableKeys.delete(key);
  }

  configure(key: string, options: SessionRunOptions): void {
    this.options.set(key, options);
    if (options.stableSessionKey !== undefined) this.setStableSessionKey(key, options.stableSessionKey);
  }

  private isolationOf(key: string): IsolationMode {
    return this.options.get(key)?.isolation ?? this.o.isolation();
  }

  /** A session with its own overlay (or workspace) needs a gateway started with it. */
  private ownOverlay(key: string): JsonObject | undefined {
    const o = this.options.get(key);
    const workspace = o?.workspace ? { agents: { defaults: { workspace: o.workspace } } } : {};
    return o?.overlay || o?.workspace ? ({ ...(o.overlay ?? {}), ...workspace } as JsonObject) : undefined;
  }

  /** The gateway a session's turns go to (its own, or the shared one it sits on). */
  gatewayOf(key: string): Gateway | null {
    const s = this.slots.get(key);
    return s?.gateway ?? s?.seat?.host.gateway ?? null;
  }

  /** How to call a session's gateway directly, as its turns do (the leak lab plays background work). */
  directTarget(key: string): { url: string; token: string; model: string; keyPrefix: string } | null {
    const s = this.slots.get(key);
    if (s?.seat)
      return {
        url: s.seat.host.gateway.url,
        token: s.seat.host.gateway.token,
        model: `openclaw/${s.seat.agent.agentId}`,
        keyPrefix: `agent:${s.seat.agent.agentId}:`,
      };
    if (s?.gateway) return { url: s.gateway.url, token: s.gateway.token, model: 'openclaw/default', keyPrefix: '' };
    return null;
  }

  /** Whether the session sits on a shared gateway. */
  isSeated(key: string): boolean {
    return Boolean(this.slots.get(key)?.seat);
  }

  /** The workspace dir the session's agent reads and writes. */
  workspaceOf(key: string): string | null {
    const s = this.slots.get(key);
    if (s?.seat) return s.seat.agent.workspace;
    return s?.gateway ? join(s.gateway.dir, 'state', 'workspace') : null;
  }

  /** The session's gateway (or seat), bound to `binding`. */
  private async acquire(key: string, binding: ProviderBinding): Promise<Target> {
    const s = this.slot(key);
    if (this.isShared(key, s)) return this.acquireSeat(key, s, binding);
    if (s.gateway && s.gateway.state === 'crashed') {
      throw new RuntimeError(
        502,
        `${s.gateway.describeExit()}; the session is crashed: restart its gateway`,
        'gateway_crashed',
      );
    }
    if (!s.gateway?.isRunning) {
      s.starting ??= this.startFor(key, s, binding).finally(() => (s.starting = null));
      await s.starting;
    }
    const gw = s.gateway!;
    await gw.rebind(binding);
    s.binding = binding;
    return {
      gw,
      model: 'openclaw/default',
      keyPrefix: '',
      workspace: join(gw.dir, 'state', 'workspace'),
      place: gw.id,
    };
  }

  private async acquireSeat(key: string, s: Slot, binding: ProviderBinding): Promise<Target> {
    if (s.seat?.host.downReason) throw this.downError(s.seat);
    if (!s.seat) {
      s.seating ??= this.o.seats.take(key).finally(() => (s.seating = null));
      s.seat = await s.seating;
      this.o.onChange(key);
    }
    const { host, agent } = s.seat;
    await host.bind(agent, binding, this.options.get(key)?.workspace);
    s.binding = binding;
    return {
      gw: host.gateway,
      model: `openclaw/${agent.agentId}`,
      keyPrefix: `agent:${agent.agentId}:`,
      workspace: agent.workspace,
      place: `${host.gateway.id}/${agent.agentId}`,
    };
  }

  private downError(seat: Seat): RuntimeError {
    return new RuntimeError(
      502,
      `${seat.host.downReason}; every session on this shared gateway continues on a fresh gateway from its next ` +
        'episode',
      'gateway_crashed',
    );
  }

  private async startFor(key: string, s: Slot, binding: ProviderBinding): Promise<Gateway> {
    const overlay = this.ownOverlay(key);
    let gw = overlay ? null : await this.o.pool.takeSoon();
    if (gw) {
      gw.log.sessionKey = key;
      try {
        await gw.rebind(binding);
      } catch (err) {
        await this.stopGateway(gw);
        throw err;
      }
    } else {
      gw = await this.o.supervisor.spawn(binding, key, overlay ? { overlay } : {});
    }
    return this.adopt(key, s, gw);
  }

  /** Makes `gw` the session's gateway: its logs, crashes and stats now belong to the session. */
  private adopt(key: string, s: Slot, gw: Gateway): Gateway {
    gw.log.sessionKey = key;
    gw.onCrash = () => this.o.onChange(key);
    s.gateway = gw;
    s.binding = gw.binding;
    this.o.onChange(key);
    return gw;
  }

  private bindingFor(apiKey: string, model: string): ProviderBinding {
    return { baseUrl: this.o.recorderUrl(), apiKey, model };
  }

  /** A session with nowhere to run yet takes a ready place now and uses the key it is parked with. */
  proposeEpisodeKey(key: string): string | null {
    const s = this.slot(key);
    if (s.gateway || s.starting || s.seat || s.seating || this.ownOverlay(key)) return null;
    if (this.isShared(key, s)) {
      s.seat = this.o.seats.takeNow(key);
      return s.seat?.agent.binding.apiKey ?? null;
    }
    const gw = this.o.pool.take();
    return gw ? this.adopt(key, s, gw).binding.apiKey : null;
  }

  async onEpisodeStart(key: string, ctx: TrainingContext): Promise<void> {
    const s = this.slot(key);
    const fresh = this.isolationOf(key) === 'fresh';
    if (fresh && s.gateway && s.gateway.binding.apiKey !== ctx.upstreamKey) {
      // a new process for every episode: nothing in memory, state or workspace carries over
      const old = s.gateway;
      s.gateway = null;
      await this.stopGateway(old);
    }
    // shared: a new agent (empty workspace, no transcripts) for a fresh episode, or after the
    // gateway the session sat on went down
    if (s.seat && (s.seat.host.downReason || (fresh && s.seat.agent.binding.apiKey !== ctx.upstreamKey))) {
      if (!s.seat.host.downReason) this.o.seats.release(key, s.seat);
      s.seat = null;
    }
    const target = await this.acquire(key, this.bindingFor(ctx.upstreamKey, ctx.model));
    const now = snapshot(target.workspace);
    if (s.workspace && s.workspace.place === target.place) {
      const carried = changedSince(target.workspace, s.workspace.snap, now);
      if (carried.length > 0) this.o.onCarryover?.(key, ctx.episodeId, carried);
    }
    s.workspace = { place: target.place, snap: now };
  }

  async run(req: TurnRequest, emitter: TurnEmitter): Promise<TurnResult> {
    const target = await this.acquire(req.sessionKey, {
      baseUrl: req.upstream.baseUrl,
      apiKey: req.upstream.apiKey,
      model: req.upstream.model,
    });
    const { gw } = target;
    const messages: ChatMessage[] = [
      ...req.history.map((m) => ({ role: m.role, content: m.content })),
      { role: 'user', content: req.message },
    ];
    const own = `${target.keyPrefix}${openclawSessionKey(req.sessionKey)}`;
    const sessionKey = this.o.stableSessionKey || this.stableKeys.has(req.sessionKey) ? own : `${own}:${randomUUID()}`;
    const shared = this.slots.get(req.sessionKey)?.seat ?? null;
    if (shared) shared.host.busy++;
    else gw.state = 'busy';
    this.o.onChange(req.sessionKey);
    try {
      const acc = await streamChat(
        this.o.forwarder,
        { baseUrl: `${gw.url}/v1`, apiKey: gw.token, model: target.model },
        { model: target.model, messages, stream: true },
        emitter,
        {
          signal: req.signal,
          headers: { 'x-openclaw-session-key': sessionKey },
          what: `gateway ${gw.id}`,
          // a gateway restarting or suspending itself refuses work with 503 for a while
          retryUnavailableMs: 60_000,
        },
      );
      for (const c of acc.toolCalls) emitter.toolCall(c);
      return {
        text: acc.text,
        toolCalls: acc.toolCalls,
        events: [
          { type: 'gateway_turn', gateway: gw.id, openclaw_session_key: sessionKey, finish_reason: acc.finishReason },
        ],
        metadata: {
          gateway_id: gw.id,
          openclaw_session_key: sessionKey,
          ...(shared ? { agent_id: shared.agent.agentId } : {}),
        },
      };
    } catch (err) {
      if (shared) throw req.signal?.aborted ? err : await this.sharedFailure(shared, err as Error);
      // a broken stream is often the process dying: give the exit a moment to be seen, then name it
      await gw.waitExit(1000);
      if ((gw.state as GatewayInfo['state']) === 'crashed')
        throw new RuntimeError(502, `${gw.describeExit()} during the turn`, 'gateway_crashed');
      throw err;
    } finally {
      if (shared) shared.host.busy--;
      if (gw.state === 'busy') gw.state = 'ready';
      this.o.onChange(req.sessionKey);
    }
  }

  /**
   * A turn on a shared gateway failed: if the gateway died, or no longer answers its health check
   * (a wedged turn holds it), it is taken down — every session on it is told — and the error says so.
   */
  private async sharedFailure(seat: Seat, err: Error): Promise<Error> {
    await seat.host.gateway.waitExit(1000);
    if (!seat.host.downReason && !(await seat.host.healthy())) {
      await this.o.seats.kill(seat.host, `stopped answering (${err.message})`);
    }
    return seat.host.downReason ? this.downError(seat) : err;
  }

  describe(key: string): GatewayInfo | null {
    const s = this.slots.get(key);
    if (!s) return null;
    if (s.seat) {
      const info = s.seat.host.gateway.info(s.restarts);
      return {
        ...info,
        state: s.seat.host.downReason ? 'crashed' : info.state,
        shared: { agentId: s.seat.agent.agentId, sessions: s.seat.host.seated.length },
      };
    }
    if (s.gateway) return s.gateway.info(s.restarts);
    return s.starting || s.seating
      ? {
          gatewayId: null,
          pid: null,
          port: null,
          state: 'spawning',
          rssBytes: null,
          cpuPercent: null,
          startedAt: null,
          restarts: s.restarts,
          exitCode: null,
          shared: null,
          memoryPressure: null,
        }
      : null;
  }

  /**
   * Replaces the session's gateway with a new one bound to the same key (after a crash, or on
   * demand); on a shared gateway the session moves to a fresh agent, and its neighbours stay.
   */
  async restart(key: string): Promise<Gateway> {
    const s = this.slot(key);
    // only to let a start in progress settle; its failure already reached whoever awaited it
    if (s.starting) await s.starting.catch(() => {});
    if (s.seating) await s.seating.catch(() => {});
    s.restarts++;
    this.o.onRestart?.(key);
    const binding = s.binding ?? this.bindingFor('sk-sess-unbound', 'default');
    if (s.seat || s.shared) {
      if (s.seat && !s.seat.host.downReason) this.o.seats.release(key, s.seat);
      s.seat = null;
      return (await this.acquire(key, binding)).gw;
    }
    const old = s.gateway;
    s.gateway = null;
    if (old) await this.stopGateway(old);
    s.starting = this.startFor(key, s, binding).finally(() => (s.starting = null));
    return s.starting;
  }

  /** A shared gateway went down: the sessions on it show it, and take a new seat next episode. */
  hostDown(keys: string[]): void {
    for (const k of keys) this.o.onChange(k);
  }

  async closeSession(key: string): Promise<void> {
    this.options.delete(key);
    this.stableKeys.delete(key);
    const s = this.slots.get(key);
    if (!s) return;
    this.slots.delete(key);
    await s.starting?.catch(() => {}); // settled only; its failure was reported to its caller
    const seat = s.seat ?? (await s.seating?.catch(() => null)) ?? null;
    if (seat && !seat.host.downReason) this.o.seats.release(key, seat);
    if (s.gateway) await this.stopGateway(s.gateway);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.slots.keys()].map((k) => this.closeSession(k)));
    await this.o.pool.stop();
    await this.o.seats.stop();
    await this.o.supervisor.stopAll();
  }
}
