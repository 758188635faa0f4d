// The composition root: builds the engine's parts in order and stops them in reverse, so a start
// that fails halfway leaves nothing running.
import type { AppInfo } from '../../shared/api.ts';
import type { RuntimeKind } from '../../shared/domain.ts';
import type { Scenario } from '../../shared/schemas.ts';
import { LeakAnalyzer } from './analysis/analyzer.ts';
import { EngineEvents } from './events.ts';
import type { HttpService } from './http/server.ts';
import { detectOpenClaw, type OpenClawBinary } from './gateways/binary.ts';
import { mergeConfig, type JsonObject } from './gateways/config.ts';
import { GatewayPool } from './gateways/pool.ts';
import { GatewaySupervisor } from './gateways/supervisor.ts';
import { createDataProxy } from './proxy/server.ts';
import { OpenClawRuntime, type Isolation } from './runtime/openclaw.ts';
import { DirectRuntime } from './runtime/direct.ts';
import type { AgentRuntime } from './runtime/types.ts';
import { SessionManager } from './sessions.ts';
import { Store } from './store/store.ts';
import { DEFAULT_TIMEOUTS, Forwarder, type ForwardTimeouts, type UpstreamTarget } from './upstream/forward.ts';
import { mintEpisodeKey, mintToken } from './upstream/keys.ts';
import { UpstreamRecorder } from './upstream/recorder.ts';
import { DEFAULT_SCENARIO } from './upstream/scripted/scenario.ts';
import { ScriptedModel } from './upstream/scripted/server.ts';

export const VERSION = '0.1.0';

export interface WorkbenchOptions {
  dataDir: string;
  host?: string;
  proxyPort?: number;
  upstreamPort?: number;
  adminKey?: string;
  upstreamUrl?: string;
  upstreamKey?: string;
  upstreamModel?: string;
  scenario?: Scenario;
  runtime?: RuntimeKind;
  /** Largest request body the DataProxy and the recorder accept, in bytes. */
  bodyLimit?: number;
  /** Timeouts of calls from the recorder to the model upstream. */
  upstreamTimeouts?: ForwardTimeouts;
  /** OpenClaw settings; `enabled: false` skips detecting it (DirectRuntime only). */
  openclaw?: OpenClawOptions;
}

/** What the UI saves under the `openclaw` settings key. */
export interface OpenClawSettings { overlay?: JsonObject; isolation?: Isolation }

export interface OpenClawOptions {
  enabled?: boolean;
  /** Path to openclaw.mjs or an openclaw executable; default: the pinned install. */
  bin?: string;
  /** Warm gateways kept ready for new sessions (default 1; 0 = start on demand). */
  poolSize?: number;
  /** rebind: one gateway per session, re-keyed per episode by hot reload; fresh: a new gateway per episode. */
  isolation?: Isolation;
  /** Merged over Trajscope's safe gateway config (the provider binding always wins). */
  overlay?: JsonObject;
  readyTimeoutMs?: number;
  /** Test/leak-lab switch: one OpenClaw session key per session instead of one per turn. */
  stableSessionKey?: boolean;
}

export class Workbench {
  readonly options: WorkbenchOptions;
  readonly adminKey: string;
  readonly events = new EngineEvents();
  store!: Store;
  sessions!: SessionManager;
  recorder!: UpstreamRecorder;
  scripted: ScriptedModel | null = null;
  /** Always running: the gateways' warm-up model (and the upstream when none is configured). */
  warmupModel!: ScriptedModel;
  openclaw: OpenClawBinary | null = null;
  supervisor: GatewaySupervisor | null = null;
  pool: GatewayPool | null = null;
  analyzer!: LeakAnalyzer;
  upstream!: UpstreamTarget;
  proxyUrl = '';
  runtimes: Partial<Record<RuntimeKind, AgentRuntime>> = {};
  defaultRuntime: RuntimeKind = 'direct';
  private readonly stops: Array<() => Promise<void> | void> = [];
  private stopping: Promise<void> | null = null;

  constructor(options: WorkbenchOptions) {
    this.options = options;
    this.adminKey = options.adminKey ?? mintToken();
  }

  async start(): Promise<this> {
    try {
      await this.startParts();
      return this;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async startParts(): Promise<void> {
    const o = this.options;
    const host = o.host ?? '127.0.0.1';
    const bodyLimit = o.bodyLimit ?? 32 * 1024 * 1024;
    this.store = new Store(o.dataDir);
    this.stops.push(() => this.store.close());
    this.store.recoverInterrupted();
    this.analyzer = new LeakAnalyzer(this.store, this.events);
    this.events.on('alerts:raised', (a) => a.sessionKey && this.sessions?.notify(a.sessionKey));

    const scripted = new ScriptedModel(o.scenario ?? DEFAULT_SCENARIO, mintToken());
    this.stops.push(() => scripted.stop());
    await scripted.start(host, 0);
    this.warmupModel = scripted;
    if (o.upstreamUrl) {
      this.upstream = { baseUrl: o.upstreamUrl, apiKey: o.upstreamKey ?? '', model: o.upstreamModel ?? 'default' };
    } else {
      this.scripted = scripted;
      this.upstream = { baseUrl: scripted.baseUrl, apiKey: scripted.token, model: o.upstreamModel ?? scripted.scenario.model };
    }

    const upstreamForwarder = new Forwarder(o.upstreamTimeouts ?? DEFAULT_TIMEOUTS);
    const runtimeForwarder = new Forwarder({ connectMs: 10_000, headersMs: 900_000, bodyMs: 900_000 });
    this.stops.push(() => upstreamForwarder.close(), () => runtimeForwarder.close());

    this.runtimes = { direct: new DirectRuntime(runtimeForwarder) };
    this.sessions = new SessionManager({
      store: this.store, events: this.events, runtimes: this.runtimes, defaultRuntime: () => this.defaultRuntime,
      recorderUrl: () => this.recorder.url, model: this.upstream.model,
    });
    this.recorder = new UpstreamRecorder({
      store: this.store, events: this.events, forwarder: upstreamForwarder, upstream: this.upstream, adminKey: this.adminKey, bodyLimit,
      currentTurn: (key) => this.sessions.currentTurn(key),
      startRlSession: (taskId, apiKey) => this.sessions.startEpisode(`rl-${mintToken(6)}`, { taskId, upstreamKey: apiKey }),
      endEpisode: (id) => this.sessions.endEpisodeById(id),
      analyzer: this.analyzer,
    });
    this.stops.push(() => this.recorder.stop());
    await this.recorder.start(host, o.upstreamPort ?? 0);

    this.stops.push(() => this.sessions.closeAll());
    await this.startOpenClaw(runtimeForwarder);
    this.defaultRuntime = o.runtime ?? (this.runtimes.openclaw ? 'openclaw' : 'direct');
    if (!this.runtimes[this.defaultRuntime]) {
      throw new Error(this.defaultRuntime === 'openclaw' && this.openclaw?.problem ? this.openclaw.problem : `runtime "${this.defaultRuntime}" is not available`);
    }

    const proxy: HttpService = createDataProxy({ sessions: this.sessions, adminKey: this.adminKey, bodyLimit });
    this.stops.push(() => proxy.stop());
    this.proxyUrl = (await proxy.start(host, o.proxyPort ?? 0)).url;
    this.fillPool();
  }

  /** OpenClaw settings saved from the UI, over this run's options. */
  openclawSettings(): { isolation: Isolation; overlay: JsonObject } {
    const saved = this.store.getSetting<OpenClawSettings>('openclaw') ?? {};
    const oc = this.options.openclaw ?? {};
    return { isolation: saved.isolation ?? oc.isolation ?? 'rebind', overlay: mergeConfig(oc.overlay ?? {}, saved.overlay ?? {}) };
  }

  private async startOpenClaw(forwarder: Forwarder): Promise<void> {
    const oc = this.options.openclaw ?? {};
    if (oc.enabled === false) return;
    this.openclaw = await detectOpenClaw(oc.bin);
    const supervisor = new GatewaySupervisor({
      dataDir: this.options.dataDir, events: this.events, store: this.store, binary: this.openclaw,
      overlay: () => this.openclawSettings().overlay,
      readyTimeoutMs: oc.readyTimeoutMs,
      onChange: (gw) => gw.log.sessionKey && this.sessions.notify(gw.log.sessionKey),
    });
    // gateways a crashed earlier run left behind are reaped even when OpenClaw is now missing
    const reaped = supervisor.reapOrphans();
    if (reaped > 0) process.emitWarning(`trajscope: stopped ${reaped} gateway(s) left running by an earlier run`);
    if (this.openclaw.problem) return;
    this.supervisor = supervisor;
    const warmup = { baseUrl: this.warmupModel.baseUrl, apiKey: this.warmupModel.token, model: this.warmupModel.scenario.model };
    const pool = new GatewayPool(supervisor, warmup, () => ({ baseUrl: this.recorder.url, apiKey: mintEpisodeKey(), model: this.upstream.model }), 0);
    this.pool = pool;
    this.stops.push(() => supervisor.stopAll(), () => pool.stop());
    this.runtimes.openclaw = new OpenClawRuntime({
      supervisor, pool, forwarder, stableSessionKey: oc.stableSessionKey,
      upstream: () => ({ baseUrl: this.recorder.url, model: this.upstream.model }),
      isolation: () => this.openclawSettings().isolation,
      onChange: (key) => this.sessions.notify(key),
      onCarryover: (key, episodeId, files) => this.analyzer.raise({
        kind: 'state_carryover', severity: 'error', sessionKey: key, episodeId, turnId: null, callId: null,
        message: `${files.length} workspace file(s) written during the previous episode are still there as episode starts`,
        evidence: files.map((f) => ({ text: `${f.path}: ${f.preview}`, detail: f.change })),
      }, `carryover:${episodeId}`),
    });
  }

  /** Starts filling the warm pool when OpenClaw is the default runtime (or a size is asked for). */
  private fillPool(): void {
    const size = this.options.openclaw?.poolSize ?? (this.defaultRuntime === 'openclaw' ? 1 : 0);
    if (this.pool && size > 0) this.pool.setSize(size);
  }

  info(): AppInfo {
    return {
      version: VERSION, dataDir: this.options.dataDir, defaultRuntime: this.defaultRuntime,
      runtimes: Object.keys(this.runtimes) as RuntimeKind[],
      openclaw: { available: Boolean(this.runtimes.openclaw), version: this.openclaw?.version ?? null, problem: this.openclaw?.problem ?? (this.openclaw ? null : 'OpenClaw is disabled for this run') },
      proxyUrl: this.proxyUrl, upstreamUrl: this.recorder.url,
      upstream: this.scripted ? { kind: 'scripted', url: null, model: this.upstream.model } : { kind: 'remote', url: this.upstream.baseUrl, model: this.upstream.model },
    };
  }

  /** Stops everything that started, newest first. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      while (this.stops.length > 0) {
        const stop = this.stops.pop()!;
        try {
          await stop();
        } catch (err) {
          process.emitWarning(`trajscope: a part failed to stop: ${(err as Error).message}`);
        }
      }
    })();
    return this.stopping;
  }
}
