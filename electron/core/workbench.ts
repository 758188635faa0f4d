// The composition root: builds the engine's parts from the configuration, in order, and stops
// them in reverse, so a start that fails halfway leaves nothing running.
// Over 300 lines: it is the one place that wires every part to every other; split, the wiring
// would be spread over files that each need all of the parts.
import type { AppInfo, EngineHealth } from '../../shared/api.ts';
import { networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { RUNTIME_KINDS, type RuntimeKind, type SessionOrigin } from '../../shared/domain.ts';
import type { EngineConfig } from '../../shared/config.ts';
import type { Scenario } from '../../shared/schemas.ts';
import { loadDetectors } from './analysis/registry.ts';
import { Analysis } from './analysis/service.ts';
import type { ConfigService } from './config/service.ts';
import { Disposables } from './disposables.ts';
import { EngineEvents } from './events.ts';
import { detectOpenClaw, nodeForGateways, type OpenClawBinary } from './gateways/binary.ts';
import { GatewayAccounting } from './gateways/accounting.ts';
import { ResourceHistory, watched } from './resources/history.ts';
import { Hub } from './hub/hub.ts';
import { exposureProblem, isLoopback, reachableUrl } from './http/exposure.ts';
import { ConfigError } from './config/load.ts';
import { ProgressBoard } from './progress.ts';
import type { JsonObject } from './gateways/config.ts';
import type { Gateway } from './gateways/gateway.ts';
import { GatewayPool } from './gateways/pool.ts';
import { GatewaySupervisor, type SupervisorOptions } from './gateways/supervisor.ts';
import { httpPolicy, type HttpPolicy } from './http/policy.ts';
import type { HttpService } from './http/server.ts';
import { Forwarder, type ForwardTimeouts } from './model-client/forward.ts';
import { AREAL_DEFAULT_ADMIN_KEY, ArealRegistration } from './dataproxy/areal-router.ts';
import type { RolloutDeps } from './rollouts/types.ts';
import { createDataProxy } from './dataproxy/server.ts';
import { DirectRuntime } from './runtime/direct.ts';
import { ExternalRuntime } from './runtime/external.ts';
import { OpenClawRuntime } from './runtime/openclaw.ts';
import { SharedSeats } from './runtime/shared-seats.ts';
import type { AgentRuntime } from './runtime/types.ts';
import { ArealSessions } from './sessions/areal-sessions.ts';
import { SessionManager } from './sessions/manager.ts';
import { ExternalTurns } from './sessions/external-turns.ts';
import { RewardBook } from './sessions/rewards.ts';
import { narrowTree, privateDir } from './private-fs.ts';
import { Store } from './store/store.ts';
import { SearchIndexer } from './store/search-indexer.ts';
import { UpstreamDirectory } from './recorder/connections.ts';
import { mintEpisodeKey, mintToken } from './tokens.ts';
import { SecretMask } from './secret-mask.ts';
import { UpstreamRecorder } from './recorder/recorder.ts';
import { DEFAULT_SCENARIO } from './scripted-model/scenario.ts';
import { loadScenario, ScriptedModel } from './scripted-model/server.ts';
import { capabilitiesOf } from '../../shared/runtimes.ts';

export const VERSION = '0.1.0';

/** The analysis worker run from source (Node strips its types); the desktop app passes its built one. */
const DEFAULT_ANALYSIS_WORKER = new URL('./analysis/worker.ts', import.meta.url);

/** What is not user configuration: objects tests and the leak lab hand in, and test switches. */
export interface EngineExtras {
  /** A scenario object; otherwise the config's scenario file, else the built-in one. */
  scenario?: Scenario;
  /** Timeouts of calls from the recorder to the model upstream. */
  upstreamTimeouts?: ForwardTimeouts;
  /**
   * The analysis worker's entry: the desktop host passes its built file; by default the source
   * file beside this one; null runs the leak detectors on the engine's thread.
   */
  analysisWorker?: URL | string | null;
  openclaw?: {
    /** false: do not look for OpenClaw at all (DirectRuntime only). */
    enabled?: boolean;
    readyTimeoutMs?: number;
    /** Test and leak-lab switch: one OpenClaw session key per session instead of one per turn. */
    stableSessionKey?: boolean;
    /** Benchmarks compare OpenClaw's own defaults with the safe config. */
    base?: SupervisorOptions['base'];
    /** How often a busy shared gateway is probed for a wedge (tests shorten it). */
    watchdogMs?: number;
    /** Benchmarks compare one shared session store with OpenClaw's store per agent. */
    sharedStore?: boolean;
  };
  /**
   * Record into another engine's store and event bus (a leak-lab run inside the workbench): that
   * engine owns the store — this one neither recovers nor closes it — and every session this one
   * creates carries `origin`.
   */
  shared?: { store: Store; events: EngineEvents; origin: SessionOrigin; accounting?: GatewayAccounting };
  /** How this engine was started (`trajscope serve`, `the desktop app`): runtime.json says so. */
  startedBy?: string;
}

export class Workbench {
  readonly config: ConfigService;
  readonly extras: EngineExtras;
  readonly adminKey: string;
  readonly events: EngineEvents;
  store!: Store;
  sessions!: SessionManager;
  rewards!: RewardBook;
  /** The sessions AReaL's routes open (/rl/start_session groups, human in the loop). */
  areal!: ArealSessions;
  /** Turns of external agents, inferred from their calls. */
  externalTurns!: ExternalTurns;
  recorder!: UpstreamRecorder;
  upstreams!: UpstreamDirectory;
  /** The embedded scripted model: the gateways' warm-up model, and the upstream when none is configured. */
  scripted!: ScriptedModel;
  openclaw: OpenClawBinary | null = null;
  supervisor: GatewaySupervisor | null = null;
  /** Every gateway running, this engine's and (when this is the workbench) its lab runs'. */
  gatewayAccounting!: GatewayAccounting;
  pool: GatewayPool | null = null;
  /** The engines this one shows as a hub (its `remotes`, maybe none); null for a lab run's engine. */
  hub: Hub | null = null;
  /** Gateways' and the engine's RSS and CPU over time (null in an engine recording into another's store). */
  resources: ResourceHistory | null = null;
  /** Shared mode: sessions seated as agents of shared gateways. */
  seats: SharedSeats | null = null;
  /** The leak detectors (on a worker thread where one starts) and the alerts they raise. */
  analysis!: Analysis;
  /** Null when recording into another engine's store (that engine indexes it). */
  searchIndexer: SearchIndexer | null = null;
  proxyUrl = '';
  /** The registration with AReaL's Router, when one is configured. */
  arealRegistration: ArealRegistration | null = null;
  /** What every server of this engine enforces (Host allow-list, request timeouts). */
  httpPolicy!: HttpPolicy;
  runtimes: Partial<Record<RuntimeKind, AgentRuntime>> = {};
  defaultRuntime: RuntimeKind = 'direct';
  private runtimeForwarder!: Forwarder;
  /** Everything started, stopped newest first (also when a start fails halfway). */
  private readonly parts = new Disposables((err) =>
    process.emitWarning(`trajscope: a part failed to stop: ${err.message}`),
  );
  /** Long work as the UI shows it: lab runs, groups, replays. */
  readonly progress: ProgressBoard;
  /** Replays and groups running in the background. */
  private readonly background = new Set<Promise<void>>();
  private stopping: Promise<void> | null = null;

  constructor(config: ConfigService, extras: EngineExtras = {}) {
    this.config = config;
    this.extras = extras;
    this.events = extras.shared?.events ?? new EngineEvents();
    this.adminKey = config.current.adminKey ?? mintToken();
    this.progress = new ProgressBoard(this.events);
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

  /** Parts that stopped on their own: the UI shows them until the engine restarts. */
  readonly health: EngineHealth = { down: [] };

  /** A part of the engine stopped working without being asked to: every view and stderr say so. */
  partDown(part: string, why: string): void {
    if (this.stopping) return; // a stop closes everything: that is not a failure
    this.health.down = [...this.health.down.filter((d) => d.part !== part), { part, why, at: Date.now() }];
    this.warn(`${part}: ${why}`);
    this.events.emit('engine:health', { down: [...this.health.down] });
  }

  /** Reports a failure no caller will see (a background step, a hook): to the UI and to stderr. */
  warn(message: string): void {
    process.emitWarning(`trajscope: ${message}`);
    this.events.emit('notices:raised', { level: 'warning', message, at: Date.now() });
  }

  /** The stages, in order; each registers the stops of what it started. */
  private async startParts(): Promise<void> {
    const c = this.config.current;
    const exposure = exposureProblem(c);
    if (exposure) throw new ConfigError(exposure);
    this.openStore(c);
    await this.startAnalysis(c);
    this.httpPolicy = {
      ...httpPolicy({ host: c.host, allowedHosts: c.allowedHosts, requestTimeoutMs: c.requestTimeoutMs }),
      settled: () => this.store.durable(),
      down: (part, why) => this.partDown(part, why),
    };
    const upstreamForwarder = await this.startModels(c);
    this.startSessions();
    await this.startRecorder(c, upstreamForwarder);
    // replays and groups still running end when their sessions close (below), then are waited for
    this.parts.add(() => Promise.allSettled(this.background).then(() => {}));
    this.parts.add(() => this.sessions.closeAll());
    await this.startRuntimes(c);
    await this.startDataProxy(c);
    if (!this.extras.shared) {
      // the labeler set here, if one is (else the remote's default names the label)
      const labeler = () => this.store.settings.get<{ labeler?: string }>('ui')?.labeler;
      const originOf = (key: string) => this.store.sessions.get(key)?.origin;
      // every engine can become a hub: remotes added in Settings → Hosts count at once
      const hub = new Hub(c.remotes ?? [], this.events, { labeler, originOf });
      this.hub = hub;
      hub.start();
      this.parts.add(() => hub.stop());
      this.parts.add(this.config.onChange((now) => hub.setRemotes(now.remotes ?? [])));
    }
    // runtime.json is the owner's: an engine recording into another's store (a lab run) writes none
    if (!this.extras.shared)
      this.store.lock?.publish({ proxy: this.proxyUrl, upstream: this.recorder.url, adminKey: this.adminKey });
    this.fillPool();
  }

  /** The store (its data dir locked first), or the store of the engine this one records into. */
  private openStore(c: EngineConfig): void {
    if (this.extras.shared) {
      this.store = this.extras.shared.store;
      privateDir(c.dataDir);
    } else {
      // the data dir's lock comes first: a second engine is refused before it touches anything
      this.store = new Store(c.dataDir, { startedBy: this.extras.startedBy });
      this.parts.add(() => this.store.close());
      this.store.onDamaged((err) => this.partDown('store', err.message));
      // what an earlier run (or a wider umask) left readable by others is narrowed to the user
      narrowTree(c.dataDir, ['logs', 'gateways']);
      this.store.recoverInterrupted();
      this.searchIndexer = new SearchIndexer(this.store.search, (m) => this.warn(m));
      this.searchIndexer.start();
      this.parts.add(() => this.searchIndexer?.stop());
    }
    this.gatewayAccounting =
      this.extras.shared?.accounting ?? new GatewayAccounting(this.events, () => this.pool?.available ?? 0);
    if (!this.extras.shared?.accounting) this.parts.add(() => this.gatewayAccounting.stop());
    if (!this.extras.shared && this.store.resources) {
      const accounting = this.gatewayAccounting;
      this.resources = new ResourceHistory(this.store.resources, {
        gateways: () => accounting.gateways().map(({ gw, role }) => watched(gw, role)),
        mbPerHour: () => this.config.current.memoryGrowthMbPerHour ?? 100,
        warn: (m) => this.warn(m),
      });
      this.resources.start();
      this.parts.add(() => this.resources?.stop());
    }
  }

  /** The leak detectors, the built-in ones and the user's, on their worker where one starts. */
  private async startAnalysis(c: EngineConfig): Promise<void> {
    const detectorModules = c.detectors ?? [];
    this.analysis = new Analysis(this.store, this.events, {
      // the store's own dir: a leak-lab engine records into the workbench's store, not its own dir
      dataDir: dirname(this.store.path),
      detectors: await loadDetectors(detectorModules),
      detectorModules,
      tokenizer: c.tokenizer ?? null,
      worker: this.extras.analysisWorker === undefined ? DEFAULT_ANALYSIS_WORKER : this.extras.analysisWorker,
      warn: (m) => this.warn(m),
    });
    this.parts.add(() => this.analysis.stop());
    // a tokenizer chosen in Settings checks the calls answered from then on
    let tokenizer = c.tokenizer ?? null;
    this.parts.add(
      this.config.onChange((now) => {
        if ((now.tokenizer ?? null) === tokenizer) return;
        tokenizer = now.tokenizer ?? null;
        this.analysis.setTokenizer(tokenizer);
      }),
    );
    await this.analysis.start();
    this.parts.add(this.events.on('alerts:raised', (a) => a.sessionKey && this.sessions?.notify(a.sessionKey)));
  }

  /** The embedded scripted model, the upstream connections, and the two outbound HTTP clients. */
  private async startModels(c: EngineConfig): Promise<Forwarder> {
    const scenario = this.extras.scenario ?? (c.scenario ? loadScenario(c.scenario) : DEFAULT_SCENARIO);
    const scripted = new ScriptedModel(scenario, mintToken(), this.httpPolicy, c.tokenizer ?? null);
    this.parts.add(() => scripted.stop());
    // gateways on this machine are its only callers: never exposed with the engine
    await scripted.start(isLoopback(c.host) ? c.host : '127.0.0.1', 0);
    this.scripted = scripted;
    this.upstreams = new UpstreamDirectory(
      this.store,
      () => ({
        baseUrl: scripted.baseUrl,
        apiKey: scripted.token,
        model: this.config.current.upstreamModel ?? scripted.scenario.model,
      }),
      () => {
        const now = this.config.current;
        return { url: now.upstreamUrl, key: now.upstreamKey, model: now.upstreamModel };
      },
    );
    const timeouts = { connectMs: 10_000, headersMs: c.upstreamTimeoutMs, bodyMs: c.upstreamIdleTimeoutMs };
    const answerLimit = { answerLimit: c.responseLimit };
    const upstreamForwarder = new Forwarder(this.extras.upstreamTimeouts ?? timeouts, answerLimit);
    this.runtimeForwarder = new Forwarder({ connectMs: 10_000, headersMs: 900_000, bodyMs: 900_000 }, answerLimit);
    this.parts.add(
      () => upstreamForwarder.close(),
      () => this.runtimeForwarder.close(),
    );
    // parts of this process talk to each other in-process (http/local.ts); gateways and other
    // clients reach the same handlers over HTTP
    this.parts.add(upstreamForwarder.mount(scripted.baseUrl, scripted.local));
    return upstreamForwarder;
  }

  /** The DataProxy's rules: sessions, their runtimes without a gateway, rewards, inferred turns. */
  private startSessions(): void {
    this.runtimes = { direct: new DirectRuntime(this.runtimeForwarder), external: new ExternalRuntime() };
    this.externalTurns = new ExternalTurns(this.store, this.events);
    this.rewards = new RewardBook(this.store, this.events, (key) => this.sessions.notify(key));
    this.sessions = new SessionManager({
      store: this.store,
      events: this.events,
      rewards: this.rewards,
      runtimes: this.runtimes,
      defaultRuntime: () => this.defaultRuntime,
      recorderUrl: () => this.recorder.url,
      currentUpstream: () => this.upstreams.current(),
      internUpstream: (u) => this.upstreams.intern(u),
      modelOf: (id) => this.upstreams.modelOf(id),
      cancelCalls: (episodeId, reason) => this.recorder.cancelEpisode(episodeId, reason),
      isRecorderUrl: (url) => sameOrigin(url, this.recorder.origin),
      episodeEnded: (episodeId) => this.externalTurns.episodeEnded(episodeId),
      warn: (m) => this.warn(m),
      origin: this.extras.shared?.origin,
    });
    this.areal = new ArealSessions(this.sessions, (key) => this.store.episodes.open(key));
  }

  /** The upstream recorder: every model call stored as sent, AReaL's inference routes. */
  private async startRecorder(c: EngineConfig, forwarder: Forwarder): Promise<void> {
    this.recorder = new UpstreamRecorder({
      store: this.store,
      events: this.events,
      forwarder,
      upstreams: this.upstreams,
      adminKey: this.adminKey,
      bodyLimit: c.bodyLimit,
      sseLineLimit: c.sseLineLimit,
      policy: this.httpPolicy,
      attributeCall: (ep, messages) =>
        capabilitiesOf(ep.runtime).infersTurns
          ? this.externalTurns.attach(ep, messages)
          : this.sessions.currentTurn(ep.sessionKey),
      startRlGroup: (taskId, apiKey, size) => this.areal.startGroup(taskId, apiKey, size),
      hitlEpisode: () => this.areal.hitlEpisode(),
      askTokens: () => !this.config.current.noTokenIds,
      endEpisode: (id) => this.sessions.endEpisodeById(id),
      giveReward: (r) => this.rewards.give({ ...r, source: 'api', requireOpen: true }),
      secretMask: () => this.secretMask(),
      isOwnServer: (url) => sameOrigin(url, this.recorder.origin) || sameOrigin(url, this.proxyUrl),
      hooks: {
        requestRecorded: (call, body) => this.analysis.analyzeCall(call, body),
        staleKey: (episodeId, sessionKey) => this.analysis.staleKey(episodeId, sessionKey),
        callFinished: (call) => {
          this.externalTurns.callFinished(call);
          this.analysis.callAnswered(call);
        },
      },
      warn: (m) => this.warn(m),
    });
    this.parts.add(() => this.recorder.stop());
    await this.recorder.start(c.host, c.upstreamPort);
    this.parts.add(this.runtimeForwarder.mount(this.recorder.origin, this.recorder.local));
  }

  /** OpenClaw where it runs (and a new binary from Settings), then the default runtime. */
  private async startRuntimes(c: EngineConfig): Promise<void> {
    if (this.extras.openclaw?.enabled !== false) await this.useOpenClaw(c.openclawBin);
    this.defaultRuntime = c.runtime ?? (this.runtimes.openclaw ? 'openclaw' : 'direct');
    if (!this.runtimes[this.defaultRuntime]) {
      const why = capabilitiesOf(this.defaultRuntime).gateway ? this.openclaw?.problem : null;
      throw new Error(why ?? `runtime "${this.defaultRuntime}" is not available`);
    }
    // a new OpenClaw binary from Settings applies to gateways started from now on
    this.parts.add(
      this.config.onChange((now) => {
        if (this.extras.openclaw?.enabled === false || now.openclawBin === this.openclaw?.path) return;
        void this.useOpenClaw(now.openclawBin).catch((err: Error) => this.warn(`OpenClaw: ${err.message}`));
      }),
    );
  }

  /** The DataProxy's HTTP routes, and the registration with AReaL's Router when one is configured. */
  private async startDataProxy(c: EngineConfig): Promise<void> {
    // AReaL's Gateway reaches the DataProxy with a per-run credential in the address its Router gives it
    const gatewayCredential = c.arealRouter ? `areal:${mintToken(24)}` : null;
    const proxy: HttpService = createDataProxy({
      sessions: this.sessions,
      adminKey: this.adminKey,
      bodyLimit: c.bodyLimit,
      policy: this.httpPolicy,
      gatewayCredential,
    });
    this.parts.add(() => proxy.stop());
    this.proxyUrl = (await proxy.start(c.host, c.proxyPort)).url;
    if (!c.arealRouter || !gatewayCredential) return;
    // bound to every interface, the Router is given an address other nodes reach (not 0.0.0.0)
    const advertise = c.arealAdvertiseUrl ?? reachableUrl(this.proxyUrl, networkInterfaces());
    if (!advertise)
      throw new ConfigError(
        `the DataProxy listens on ${this.proxyUrl} and this machine has no address other nodes reach: ` +
          "set arealAdvertiseUrl to the address AReaL's Gateway should use",
      );
    const registration = new ArealRegistration({
      router: c.arealRouter,
      routerKey: c.arealRouterKey ?? AREAL_DEFAULT_ADMIN_KEY,
      advertise,
      credential: gatewayCredential,
      dataDir: c.dataDir,
      warn: (m) => this.warn(m),
    });
    await registration.start();
    this.parts.add(() => registration.stop());
    this.arealRegistration = registration;
  }

  /** The OpenClaw runtime, when OpenClaw runs on this host. */
  openclawRuntime(): OpenClawRuntime | null {
    return (this.runtimes.openclaw as OpenClawRuntime | undefined) ?? null;
  }

  /** The overlay merged over the safe gateway config (the config's file or Settings' object). */
  overlay(): JsonObject {
    const o = this.config.current.openclawConfig;
    return typeof o === 'object' && o !== null ? o : {};
  }

  /**
   * Finds OpenClaw at `bin` (default: the pinned install) and, when it runs, makes it the binary of
   * every gateway started from now on; the first time, the OpenClaw runtime comes up with it.
   */
  async useOpenClaw(bin: string | undefined): Promise<OpenClawBinary> {
    const binary = await detectOpenClaw(bin, this.config.current.openclawNode);
    this.openclaw = binary;
    if (!this.supervisor) {
      const supervisor = new GatewaySupervisor({
        dataDir: this.config.dataDir,
        events: this.events,
        store: this.store,
        binary,
        overlay: () => this.overlay(),
        readyTimeoutMs: this.extras.openclaw?.readyTimeoutMs,
        base: this.extras.openclaw?.base,
        launcherNode: nodeForGateways(this.config.current.openclawNode),
        onChange: (gw) => gw.log.sessionKey && this.sessions.notify(gw.log.sessionKey),
        onPressure: (gw) => this.pressureWarning(gw),
      });
      this.parts.add(this.gatewayAccounting.add(supervisor, this.extras.shared ? 'lab' : 'workbench'));
      // gateways a crashed earlier run left behind are reaped even when OpenClaw is now missing
      const reaped = supervisor.reapOrphans();
      if (reaped > 0) this.warn(`stopped ${reaped} gateway(s) left running by an earlier run`);
      if (binary.problem) return binary;
      this.supervisor = supervisor;
      this.startOpenClawRuntime(supervisor);
    } else if (!binary.problem) {
      this.supervisor.binary = binary;
    }
    return binary;
  }

  private startOpenClawRuntime(supervisor: GatewaySupervisor): void {
    const warmup = { baseUrl: this.scripted.baseUrl, apiKey: this.scripted.token, model: this.scripted.scenario.model };
    const pool = new GatewayPool(supervisor, warmup, () => ({
      baseUrl: this.recorder.url,
      apiKey: mintEpisodeKey(),
      model: this.upstreams.modelOf(this.upstreams.current()),
    }));
    pool.onError = (message) => this.warn(`warm pool: ${message}`);
    this.pool = pool;
    this.parts.add(
      () => supervisor.stopAll(),
      () => pool.stop(),
    );
    const seats = new SharedSeats({
      supervisor,
      capacity: () => this.config.current.sessionsPerGateway,
      warmup: () => warmup,
      park: () => ({
        baseUrl: this.recorder.url,
        apiKey: mintEpisodeKey(),
        model: this.upstreams.modelOf(this.upstreams.current()),
      }),
      warn: (m) => this.warn(m),
      spare: () => this.poolSize() > 0,
      watchdogMs: this.extras.openclaw?.watchdogMs,
      sharedStore: this.extras.openclaw?.sharedStore,
      onSeat: (key, gatewayId, agentId) => this.store.seats.sit(key, gatewayId, agentId),
      onUnseat: (key, gatewayId) => this.store.seats.leave(key, gatewayId),
      onHostDown: (keys) => (this.runtimes.openclaw as OpenClawRuntime | undefined)?.hostDown(keys),
    });
    this.seats = seats;
    this.runtimes.openclaw = new OpenClawRuntime({
      supervisor,
      pool,
      seats,
      gatewayMode: () => this.config.current.gatewayMode,
      forwarder: this.runtimeForwarder,
      stableSessionKey: this.extras.openclaw?.stableSessionKey,
      recorderUrl: () => this.recorder.url,
      isolation: () => this.config.current.isolation,
      onChange: (key) => this.sessions.notify(key),
      onRestart: (key) => this.resources?.restarted(key),
      onCarryover: (key, episodeId, files) => this.analysis.stateLeft(key, episodeId, files),
    });
  }

  /** How many gateways to keep warm: one when OpenClaw is the default runtime, or the size asked for. */
  private poolSize(): number {
    return this.config.current.poolSize ?? (capabilitiesOf(this.defaultRuntime).gateway ? 1 : 0);
  }

  /** Keeps gateways ready ahead of need: warm ones of their own, or one shared gateway's free slots. */
  private fillPool(): void {
    const size = this.poolSize();
    if (size === 0) return;
    if (this.config.current.gatewayMode === 'shared')
      void this.seats?.prefill().catch((err: Error) => this.warn(`shared gateway: ${err.message}`));
    else this.pool?.setSize(size);
  }

  /** OpenClaw said a gateway's memory is under pressure (first time, or worse): the session and the UI hear it. */
  private pressureWarning(gw: Gateway): void {
    const p = gw.memoryPressure!;
    const rss = p.rssBytes === null ? '' : `, RSS ${Math.round(p.rssBytes / 1048576)} MB`;
    const whose = gw.log.sessionKey ? `session ${gw.log.sessionKey}'s gateway` : `gateway ${gw.id}`;
    this.warn(
      `OpenClaw reports memory pressure on ${whose} (level=${p.level}, ${p.reason}${rss}): ` +
        'restart the gateway if it persists; its log has the details',
    );
    if (gw.log.sessionKey) this.sessions.notify(gw.log.sessionKey);
  }

  info(): AppInfo {
    const c = this.config.current;
    return {
      version: VERSION,
      dataDir: c.dataDir,
      defaultRuntime: this.defaultRuntime,
      runtimes: RUNTIME_KINDS.filter((k) => this.runtimes[k]),
      openclaw: {
        available: Boolean(this.runtimes.openclaw),
        version: this.openclaw?.version ?? null,
        path: this.openclaw?.path ?? null,
        problem: this.openclaw?.problem ?? (this.openclaw ? null : 'OpenClaw is disabled for this run'),
        poolError: this.pool?.lastError ?? null,
      },
      proxyUrl: this.proxyUrl,
      upstreamUrl: this.recorder.url,
      upstream: c.upstreamUrl
        ? { kind: 'remote', url: c.upstreamUrl, model: this.upstreams.modelOf(this.upstreams.current()) }
        : { kind: 'scripted', url: null, model: this.upstreams.modelOf(null) },
      gateways: this.gatewayAccounting.stats(),
      health: { down: [...this.health.down] },
      alertKinds: this.analysis.analyzer.registry.kinds(),
    };
  }

  /** The keys no view, event or export may show (secret-mask.ts): the configured ones and every connection's. */
  secretMask(): SecretMask {
    const c = this.config.current;
    return new SecretMask([
      { name: 'upstreamKey', value: c.upstreamKey },
      { name: 'adminKey', value: this.adminKey },
      { name: 'arealRouterKey', value: c.arealRouterKey },
      ...(this.store?.upstreams.list() ?? []).map((u) => ({ name: 'upstream key', value: u.apiKey })),
    ]);
  }

  /** The log files gateways are writing now (a prune keeps them). */
  openLogFiles(): Set<string> {
    return new Set(this.supervisor?.running.map((g) => g.log.file) ?? []);
  }

  /** What replays and groups need from the engine. */
  rolloutDeps(): RolloutDeps {
    return {
      store: this.store,
      sessions: this.sessions,
      defaultRuntime: () => this.defaultRuntime,
      resolveUpstream: (id) => this.upstreams.resolve(id),
      warn: (m) => this.warn(m),
      progress: this.progress,
    };
  }

  /** Keeps a background run (a replay, a group) known until it settles, so stop can wait for it. */
  track(done: Promise<void>): Promise<void> {
    const settled = done.catch((err: Error) => this.warn(err.message));
    this.background.add(settled);
    void settled.finally(() => this.background.delete(settled));
    return settled;
  }

  /** Stops everything that started, newest first. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.parts.dispose();
    return this.stopping;
  }
}

/**
 * Whether two URLs name the same server: every loopback name (localhost, 127.x.x.x, [::1]) and the
 * any-address count as one host, since a server bound to one of them answers on the others too.
 */
function sameOrigin(a: string, b: string): boolean {
  const norm = (u: string) => {
    const url = URL.parse(u);
    if (!url) return u;
    const h = url.hostname;
    const loopback = h === 'localhost' || h === '[::1]' || h === '[::]' || h === '0.0.0.0' || /^127\./.test(h);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return `${url.protocol}//${loopback ? '127.0.0.1' : h}:${port}`;
  };
  return norm(a) === norm(b);
}
