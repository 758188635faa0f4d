// GatewaySupervisor: allocates ports and dirs, records pids, starts and stops gateways, samples
// their RSS/CPU about once a second, and on start reaps gateways a crashed earlier run left.
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EngineEvents } from '../events.ts';
import { privateDir } from '../private-fs.ts';
import type { Store } from '../store/store.ts';
import type { OpenClawBinary } from './binary.ts';
import { mergeConfig, type JsonObject, type ProviderBinding } from './config.ts';
import { Gateway, GatewayStartError } from './gateway.ts';
import { nodeForGateways } from './binary.ts';
import { writeLauncher } from './launcher.ts';
import { GatewayLog } from './logs.ts';
import { claimPort, releasePort } from './port-claims.ts';
import { gatewayPortBases, portFree } from './ports.ts';
import { isAlive, processesWithEnv, processTree, signalTree, TreeSampler } from './procfs.ts';

export interface SupervisorOptions {
  dataDir: string;
  events: EngineEvents;
  store: Store;
  binary: OpenClawBinary;
  overlay: () => JsonObject;
  readyTimeoutMs?: number;
  /** NODE_OPTIONS for gateways: a 384 MB heap cap saves ≈190 MB per gateway at no measured cost. */
  nodeOptions?: string;
  /** Which config gateways start from (benchmarks compare OpenClaw's defaults with the safe one). */
  base?: 'safe' | 'openclaw-defaults';
  /** Called when a gateway's stats or state change. */
  onChange?: (gw: Gateway) => void;
  /** Called when OpenClaw first reports memory pressure on a gateway, and when the level rises. */
  onPressure?: (gw: Gateway) => void;
  /** The Node that runs each gateway's launcher (default: the one that runs the gateways). */
  launcherNode?: string;
}

export interface SpawnOptions {
  /** A fixed port (no retry elsewhere if it is taken); by default one of ours, claimed. */
  port?: number;
  overlay?: JsonObject;
  /** Runs before the process starts: a shared gateway sets up its agents here. */
  prepare?: (gw: Gateway) => void;
}

interface PidRecord {
  id: string;
  pid: number;
  dir: string;
  port: number;
  startedAt: number;
}

/** How many fresh ports a start tries when the one it got is taken before the gateway binds it. */
const PORT_ATTEMPTS = 3;

export class GatewaySupervisor {
  readonly options: SupervisorOptions;
  /** The OpenClaw binary new gateways run (Settings may change it while the engine runs). */
  binary: OpenClawBinary;
  private readonly gateways = new Map<string, Gateway>();
  private readonly usedPorts = new Set<number>();
  private readonly portBases = gatewayPortBases();
  private readonly sampler = new TreeSampler();
  private timer: NodeJS.Timeout | null = null;
  private readonly gatewaysDir: string;
  private readonly pidDir: string;
  private readonly logDir: string;
  private readonly launcherPath: string;

  constructor(options: SupervisorOptions) {
    this.options = options;
    this.binary = options.binary;
    this.gatewaysDir = join(options.dataDir, 'gateways');
    this.pidDir = join(this.gatewaysDir, 'pids');
    this.logDir = join(options.dataDir, 'logs');
    for (const d of [this.gatewaysDir, this.pidDir, this.logDir, join(this.gatewaysDir, 'compile-cache')])
      privateDir(d);
    this.launcherPath = writeLauncher(this.gatewaysDir);
  }

  get running(): Gateway[] {
    return [...this.gateways.values()];
  }

  /**
   * Kills gateways a previous run recorded but never stopped, and removes their dirs. Only while
   * this process holds the data dir's engine lock: the engine that recorded them is then provably
   * dead (the kernel let its lock go), never a live engine beside this one.
   */
  reapOrphans(): number {
    if (!this.options.store.lock?.held) throw new Error("gateways are reaped only under the data dir's engine lock");
    let reaped = 0;
    for (const name of readdirSync(this.pidDir)) {
      const file = join(this.pidDir, name);
      let rec: PidRecord;
      try {
        rec = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        unlinkSync(file);
        continue;
      }
      const marker = `OPENCLAW_STATE_DIR=${join(rec.dir, 'state')}`;
      const ours = processesWithEnv(marker);
      if (ours.length > 0 || (isAlive(rec.pid) && this.isOurGateway(rec))) {
        signalTree(rec.pid, 'SIGKILL', [...processTree(rec.pid), ...ours]);
        reaped++;
      }
      rmSync(rec.dir, { recursive: true, force: true });
      unlinkSync(file);
    }
    return reaped;
  }

  /** A recorded pid may have been reused by an unrelated process: check its environment. */
  private isOurGateway(rec: PidRecord): boolean {
    try {
      return readFileSync(`/proc/${rec.pid}/environ`, 'utf8').includes(`OPENCLAW_STATE_DIR=${join(rec.dir, 'state')}`);
    } catch {
      return false;
    }
  }

  private async allocatePort(): Promise<number> {
    const bases = this.portBases;
    const start = Math.floor(Math.random() * bases.length);
    for (let i = 0; i < bases.length; i++) {
      const port = bases[(start + i) % bases.length]!;
      if (this.usedPorts.has(port)) continue;
      if ((await portFree(port)) && claimPort(port)) {
        this.usedPorts.add(port);
        return port;
      }
    }
    throw new Error('no free loopback port for a gateway');
  }

  /**
   * Starts a gateway bound to `provider`; throws with a clear message and leaks nothing on failure.
   * A port we chose that something else took before the gateway bound it costs a retry on a
   * fresh port, not the start.
   */
  async spawn(provider: ProviderBinding, sessionKey: string | null, opts: SpawnOptions = {}): Promise<Gateway> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.spawnOnce(provider, sessionKey, opts.port ?? (await this.allocatePort()), opts);
      } catch (err) {
        if (
          opts.port !== undefined ||
          attempt >= PORT_ATTEMPTS ||
          !(err instanceof GatewayStartError) ||
          !err.portTaken
        )
          throw err;
        // the failed gateway's log stays in the data dir for whoever wants to read why
        this.options.events.emit('notices:raised', {
          level: 'warning',
          message:
            'A gateway lost its port before it could bind it; ' +
            `starting on another (${attempt + 1}/${PORT_ATTEMPTS})`,
          at: Date.now(),
        });
      }
    }
  }

  private async spawnOnce(
    provider: ProviderBinding,
    sessionKey: string | null,
    port: number,
    opts: SpawnOptions,
  ): Promise<Gateway> {
    const id = `gw-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    this.usedPorts.add(port);
    const dir = join(this.gatewaysDir, id);
    const log = new GatewayLog(join(this.logDir, `${id}.log`), id, this.options.events, this.options.store);
    log.sessionKey = sessionKey;
    const gw = new Gateway(
      {
        id,
        dir,
        port,
        token: randomBytes(24).toString('base64url'),
        provider,
        // a session's own overlay goes over the engine's
        overlay: opts.overlay ? mergeConfig(this.options.overlay(), opts.overlay) : this.options.overlay(),
        binary: this.binary,
        compileCacheDir: join(this.gatewaysDir, 'compile-cache'),
        readyTimeoutMs: this.options.readyTimeoutMs ?? 120_000,
        nodeOptions: this.options.nodeOptions ?? '--max-old-space-size=384 --max-semi-space-size=2',
        base: this.options.base,
        launcher: { node: this.options.launcherNode ?? nodeForGateways(), path: this.launcherPath },
      },
      log,
    );
    gw.onPressure = (g) => {
      this.options.onPressure?.(g);
      this.options.onChange?.(g);
    };
    this.gateways.set(id, gw);
    try {
      opts.prepare?.(gw);
    } catch (err) {
      this.forget(gw);
      log.close();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const pidFile = join(this.pidDir, `${id}.json`);
    const started = gw.start();
    // the pid exists right after spawn: record it before waiting, so a crash of ours mid-start is reapable
    if (gw.pid !== null)
      writeFileSync(
        pidFile,
        JSON.stringify({ id, pid: gw.pid, dir, port, startedAt: Date.now() } satisfies PidRecord),
        { mode: 0o600 },
      );
    try {
      await started;
    } catch (err) {
      this.forget(gw);
      throw err;
    }
    this.ensureSampling();
    this.options.onChange?.(gw);
    return gw;
  }

  async stop(gw: Gateway, deadlineMs?: number): Promise<void> {
    await gw.stop(deadlineMs);
    this.forget(gw);
    this.options.onChange?.(gw);
  }

  private forget(gw: Gateway): void {
    this.gateways.delete(gw.id);
    this.usedPorts.delete(gw.port);
    releasePort(gw.port);
    const pidFile = join(this.pidDir, `${gw.id}.json`);
    if (existsSync(pidFile)) unlinkSync(pidFile);
    if (this.gateways.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private ensureSampling(): void {
    this.timer ??= setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sample(): void {
    const live = this.running.filter((g) => g.pid !== null && g.isRunning);
    const stats = this.sampler.sample(live.map((g) => g.pid!));
    for (const gw of live) {
      const s = stats.get(gw.pid!);
      gw.rssBytes = s ? s.rssBytes : null;
      gw.cpuPercent = s ? s.cpuPercent : null;
      this.options.onChange?.(gw);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.map((g) => this.stop(g)));
  }
}
