// The composition root: builds the engine's parts in order and stops them in reverse, so a start
// that fails halfway leaves nothing running.
import type { AppInfo } from '../../shared/api.ts';
import type { RuntimeKind } from '../../shared/domain.ts';
import type { Scenario } from '../../shared/schemas.ts';
import { EngineEvents } from './events.ts';
import type { HttpService } from './http/server.ts';
import { createDataProxy } from './proxy/server.ts';
import { DirectRuntime } from './runtime/direct.ts';
import type { AgentRuntime } from './runtime/types.ts';
import { SessionManager } from './sessions.ts';
import { Store } from './store/store.ts';
import { DEFAULT_TIMEOUTS, Forwarder, type ForwardTimeouts, type UpstreamTarget } from './upstream/forward.ts';
import { mintToken } from './upstream/keys.ts';
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
  /** Extra runtimes (OpenClaw) built against this engine. */
  extraRuntimes?: (wb: Workbench) => Promise<Partial<Record<RuntimeKind, AgentRuntime>>>;
}

export class Workbench {
  readonly options: WorkbenchOptions;
  readonly adminKey: string;
  readonly events = new EngineEvents();
  store!: Store;
  sessions!: SessionManager;
  recorder!: UpstreamRecorder;
  scripted: ScriptedModel | null = null;
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

    if (o.upstreamUrl) {
      this.upstream = { baseUrl: o.upstreamUrl, apiKey: o.upstreamKey ?? '', model: o.upstreamModel ?? 'default' };
    } else {
      const scripted = new ScriptedModel(o.scenario ?? DEFAULT_SCENARIO, mintToken());
      this.stops.push(() => scripted.stop());
      await scripted.start(host, 0);
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
    });
    this.stops.push(() => this.recorder.stop());
    await this.recorder.start(host, o.upstreamPort ?? 0);

    if (o.extraRuntimes) Object.assign(this.runtimes, await o.extraRuntimes(this));
    this.stops.push(() => this.sessions.closeAll());
    this.defaultRuntime = o.runtime ?? (this.runtimes.openclaw ? 'openclaw' : 'direct');
    if (!this.runtimes[this.defaultRuntime]) throw new Error(`runtime "${this.defaultRuntime}" is not available`);

    const proxy: HttpService = createDataProxy({ sessions: this.sessions, adminKey: this.adminKey, bodyLimit });
    this.stops.push(() => proxy.stop());
    this.proxyUrl = (await proxy.start(host, o.proxyPort ?? 0)).url;
  }

  info(): AppInfo {
    return {
      version: VERSION, dataDir: this.options.dataDir, defaultRuntime: this.defaultRuntime,
      runtimes: Object.keys(this.runtimes) as RuntimeKind[],
      openclaw: { available: Boolean(this.runtimes.openclaw), version: null, problem: null },
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
          process.emitWarning(`clawbench: a part failed to stop: ${(err as Error).message}`);
        }
      }
    })();
    return this.stopping;
  }
}
