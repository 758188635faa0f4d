// OpenClawRuntime: each session gets its own supervised gateway, bound to the open episode's
// upstream key before any turn uses it. Each turn is one streamed chat completion to that gateway
// with the replayed history and a fresh x-openclaw-session-key, so OpenClaw's own per-key
// transcript never feeds an earlier turn a second time.
import { randomUUID } from 'node:crypto';
import type { GatewayInfo, IsolationMode } from '../../../shared/domain.ts';
import { openclawSessionKey } from '../../../shared/openclaw/prompt.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import type { JsonObject, ProviderBinding } from '../gateways/config.ts';
import type { Gateway } from '../gateways/gateway.ts';
import type { GatewayPool } from '../gateways/pool.ts';
import type { GatewaySupervisor } from '../gateways/supervisor.ts';
import type { Forwarder } from '../openai/forward.ts';
import { join } from 'node:path';
import { changedSince, snapshot, type Carried, type Snapshot } from '../gateways/workspace.ts';
import { streamChat } from '../openai/stream-chat.ts';
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
  forwarder: Forwarder;
  /** The recorder's URL (with /v1): every gateway's provider. */
  recorderUrl(): string;
  isolation(): IsolationMode;
  /** Test and leak-lab switch: reuse one OpenClaw session key per session (causes double feed). */
  stableSessionKey?: boolean;
  onChange(sessionKey: string): void;
  /** Workspace files an episode left behind that the next episode starts with. */
  onCarryover?(sessionKey: string, episodeId: string, files: Carried[]): void;
}

interface Slot {
  gateway: Gateway | null;
  /** The workspace as the previous episode found it, on the same gateway. */
  workspace: { gatewayId: string; snap: Snapshot } | null;
  starting: Promise<Gateway> | null;
  binding: ProviderBinding | null;
  restarts: number;
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
      s = { gateway: null, starting: null, binding: null, restarts: 0, workspace: null };
      this.slots.set(key, s);
    }
    return s;
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

  /** A session with its own overlay needs a gateway started with it: the warm pool's will not do. */
  private ownOverlay(key: string): JsonObject | undefined {
    return this.options.get(key)?.overlay as JsonObject | undefined;
  }

  gatewayOf(key: string): Gateway | null {
    return this.slots.get(key)?.gateway ?? null;
  }

  /** The session's running gateway, bound to `binding`: from the warm pool, else freshly spawned. */
  private async acquire(key: string, binding: ProviderBinding): Promise<Gateway> {
    const s = this.slot(key);
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
    return gw;
  }

  private async startFor(key: string, s: Slot, binding: ProviderBinding): Promise<Gateway> {
    const overlay = this.ownOverlay(key);
    let gw = overlay ? null : this.o.pool.take();
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

  /** A session with no gateway yet takes a pooled one now and uses the key it is parked with. */
  proposeEpisodeKey(key: string): string | null {
    const s = this.slot(key);
    if (s.gateway || s.starting || this.ownOverlay(key)) return null;
    const gw = this.o.pool.take();
    return gw ? this.adopt(key, s, gw).binding.apiKey : null;
  }

  async onEpisodeStart(key: string, ctx: TrainingContext): Promise<void> {
    const s = this.slot(key);
    if (this.isolationOf(key) === 'fresh' && s.gateway && s.gateway.binding.apiKey !== ctx.upstreamKey) {
      // a new process for every episode: nothing in memory, state or workspace carries over
      const old = s.gateway;
      s.gateway = null;
      await this.stopGateway(old);
    }
    const gw = await this.acquire(key, this.bindingFor(ctx.upstreamKey, ctx.model));
    const dir = join(gw.dir, 'state', 'workspace');
    const now = snapshot(dir);
    if (s.workspace && s.workspace.gatewayId === gw.id) {
      const carried = changedSince(dir, s.workspace.snap, now);
      if (carried.length > 0) this.o.onCarryover?.(key, ctx.episodeId, carried);
    }
    s.workspace = { gatewayId: gw.id, snap: now };
  }

  async run(req: TurnRequest, emitter: TurnEmitter): Promise<TurnResult> {
    const gw = await this.acquire(req.sessionKey, {
      baseUrl: req.upstream.baseUrl,
      apiKey: req.upstream.apiKey,
      model: req.upstream.model,
    });
    const messages: ChatMessage[] = [
      ...req.history.map((m) => ({ role: m.role, content: m.content })),
      { role: 'user', content: req.message },
    ];
    const own = openclawSessionKey(req.sessionKey);
    const sessionKey = this.o.stableSessionKey || this.stableKeys.has(req.sessionKey) ? own : `${own}:${randomUUID()}`;
    gw.state = 'busy';
    this.o.onChange(req.sessionKey);
    try {
      const acc = await streamChat(
        this.o.forwarder,
        { baseUrl: `${gw.url}/v1`, apiKey: gw.token, model: 'openclaw/default' },
        { model: 'openclaw/default', messages, stream: true },
        emitter,
        { signal: req.signal, headers: { 'x-openclaw-session-key': sessionKey }, what: `gateway ${gw.id}` },
      );
      for (const c of acc.toolCalls) emitter.toolCall(c);
      return {
        text: acc.text,
        toolCalls: acc.toolCalls,
        events: [
          { type: 'gateway_turn', gateway: gw.id, openclaw_session_key: sessionKey, finish_reason: acc.finishReason },
        ],
        metadata: { gateway_id: gw.id, openclaw_session_key: sessionKey },
      };
    } catch (err) {
      // a broken stream is often the process dying: give the exit a moment to be seen, then name it
      await gw.waitExit(1000);
      if ((gw.state as GatewayInfo['state']) === 'crashed')
        throw new RuntimeError(502, `${gw.describeExit()} during the turn`, 'gateway_crashed');
      throw err;
    } finally {
      if (gw.state === 'busy') gw.state = 'ready';
      this.o.onChange(req.sessionKey);
    }
  }

  describe(key: string): GatewayInfo | null {
    const s = this.slots.get(key);
    if (!s) return null;
    if (s.gateway) return s.gateway.info(s.restarts);
    return s.starting
      ? {
          pid: null,
          port: null,
          state: 'spawning',
          rssBytes: null,
          cpuPercent: null,
          startedAt: null,
          restarts: s.restarts,
          exitCode: null,
        }
      : null;
  }

  /** Replaces the session's gateway with a new one bound to the same key (after a crash, or on demand). */
  async restart(key: string): Promise<Gateway> {
    const s = this.slot(key);
    // only to let a start in progress settle; its failure already reached whoever awaited it
    if (s.starting) await s.starting.catch(() => {});
    const old = s.gateway;
    s.gateway = null;
    if (old) await this.stopGateway(old);
    s.restarts++;
    const binding = s.binding ?? this.bindingFor('sk-sess-unbound', 'default');
    s.starting = this.startFor(key, s, binding).finally(() => (s.starting = null));
    return s.starting;
  }

  async closeSession(key: string): Promise<void> {
    this.options.delete(key);
    this.stableKeys.delete(key);
    const s = this.slots.get(key);
    if (!s) return;
    this.slots.delete(key);
    await s.starting?.catch(() => {}); // settled only; its failure was reported to its caller
    if (s.gateway) await this.stopGateway(s.gateway);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.slots.keys()].map((k) => this.closeSession(k)));
    await this.o.pool.stop();
    await this.o.supervisor.stopAll();
  }
}
