// One OpenClaw gateway process: spawned with execa into its own dir (config, key file, state, HOME,
// TMPDIR), waited on until /health and /readyz answer, rebound to a new upstream key by rewriting
// its key file and asking it to reload its secrets (a new upstream URL or model: config hot reload),
// and stopped with SIGTERM then SIGKILL of its whole process tree. Any failure during
// start stops and removes everything the start created.
// Over 300 lines: one process lifecycle (spawn, readiness, rebind, stop) whose steps share the
// process handle, the log and the exit promise; split, each part would need all three.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import type { GatewayInfo, MemoryPressure, SessionState } from '../../../shared/domain.ts';
import type { OpenClawBinary } from './binary.ts';
import {
  effectiveConfig,
  keysPath,
  mergeConfig,
  PROVIDER,
  writeConfig,
  type JsonObject,
  type ProviderBinding,
} from './config.ts';
import { GatewayControl } from './control.ts';
import { MARKER_ENV } from './launcher.ts';
import type { GatewayLog } from './logs.ts';
import { nextPressure, pressureLines } from './pressure.ts';
import { findInTree, processesWithEnv, processTree, signalTree } from './procfs.ts';

export interface GatewaySpec {
  id: string;
  dir: string;
  port: number;
  token: string;
  provider: ProviderBinding;
  overlay: JsonObject;
  binary: OpenClawBinary;
  compileCacheDir: string;
  readyTimeoutMs: number;
  nodeOptions: string;
  base?: 'safe' | 'openclaw-defaults';
  /** The launcher that holds this gateway and takes it down when the engine goes (launcher.ts). */
  launcher: { node: string; path: string };
}

export class GatewayStartError extends Error {
  /** The gateway could not bind its port: something else took it after we found it free. */
  readonly portTaken: boolean;
  constructor(message: string, portTaken = false) {
    super(message);
    this.portTaken = portTaken;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // a batch nobody waits for any more must not be an unhandled rejection
  return { promise, resolve, reject };
}

export class Gateway {
  readonly id: string;
  readonly dir: string;
  readonly port: number;
  readonly token: string;
  readonly log: GatewayLog;
  readonly configPath: string;
  private readonly spec: GatewaySpec;
  state: SessionState = 'spawning';
  pid: number | null = null;
  startedAt: number | null = null;
  exitCode: number | null = null;
  exitSignal: string | null = null;
  binding: ProviderBinding;
  rssBytes: number | null = null;
  cpuPercent: number | null = null;
  /** Called once when the process exits without being asked to. */
  onCrash: ((gw: Gateway) => void) | null = null;
  /** What OpenClaw last said of its memory pressure (pressure.ts). */
  memoryPressure: MemoryPressure | null = null;
  /** Called on the first memory-pressure line, and when the level rises. */
  onPressure: ((gw: Gateway) => void) | null = null;
  /** Config merged over everything else (a shared gateway's agents, their providers, its store). */
  extraConfig: (() => JsonObject) | null = null;
  /** Keys of providers that extraConfig adds, by provider name (they go in the key file). */
  extraKeys: (() => Record<string, string>) | null = null;
  private control: GatewayControl | null = null;
  private sub: ResultPromise | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;

  constructor(spec: GatewaySpec, log: GatewayLog) {
    this.spec = spec;
    this.id = spec.id;
    this.dir = spec.dir;
    this.port = spec.port;
    this.token = spec.token;
    this.log = log;
    this.binding = spec.provider;
    this.configPath = join(spec.dir, 'openclaw.json');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.state !== 'crashed' && this.state !== 'closed' && this.pid !== null;
  }

  /** The config as written (token redacted; keys are references into the key file), for the settings view. */
  effectiveConfig(redact = true): JsonObject {
    return this.configFor(this.binding, redact ? '<redacted>' : this.token);
  }

  /** The key file's content: every provider's key by provider name. */
  private keyFile(): Record<string, string> {
    return { [PROVIDER]: this.binding.apiKey, ...this.extraKeys?.() };
  }

  /** Writes the key file; returns what it wrote (compared with `keysWritten` once the gateway has it). */
  private writeKeys(keys = this.keyFile()): string {
    writeConfig(keysPath(this.dir), keys);
    return JSON.stringify(keys);
  }

  private configFor(provider: ProviderBinding, token = this.token): JsonObject {
    const cfg = effectiveConfig(
      { dir: this.dir, port: this.port, token, provider, base: this.spec.base },
      this.spec.overlay,
    );
    return this.extraConfig ? mergeConfig(cfg, this.extraConfig()) : cfg;
  }

  info(restarts: number): GatewayInfo {
    return {
      gatewayId: this.id,
      pid: this.pid,
      port: this.port,
      state: this.state,
      rssBytes: this.rssBytes,
      cpuPercent: this.cpuPercent,
      startedAt: this.startedAt,
      restarts,
      exitCode: this.exitCode,
      shared: null,
      memoryPressure: this.memoryPressure,
    };
  }

  /** Spawns the process and waits until it is ready; on any failure everything is stopped and removed. */
  async start(): Promise<void> {
    try {
      for (const d of ['state', 'home', 'tmp', 'logs']) mkdirSync(join(this.dir, d), { recursive: true, mode: 0o700 });
      const config = this.configFor(this.binding);
      this.keysWritten = this.writeKeys();
      writeConfig(this.configPath, config);
      this.written = JSON.stringify(config);
      this.spawn();
      await this.waitReady();
      this.state = 'ready';
    } catch (err) {
      await this.stop();
      throw err instanceof GatewayStartError ? err : new GatewayStartError((err as Error).message);
    }
  }

  private spawn(): void {
    const b = this.spec.binary;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: process.env.LANG ?? 'C.UTF-8',
      OPENCLAW_CONFIG_PATH: this.configPath,
      OPENCLAW_STATE_DIR: join(this.dir, 'state'),
      OPENCLAW_NO_AUTO_UPDATE: '1',
      OPENCLAW_DISABLE_BONJOUR: '1',
      HOME: join(this.dir, 'home'),
      TMPDIR: join(this.dir, 'tmp'),
      NODE_COMPILE_CACHE: this.spec.compileCacheDir,
      // openclaw.mjs otherwise starts a second Node process (≈ 60 MB) only to move the compile
      // cache into a folder of its own, and stays as that process's parent for the gateway's life
      OPENCLAW_PACKAGED_COMPILE_CACHE_RESPAWNED: '1',
      // glibc gives each thread that allocates an arena of its own, and a gateway runs ≈ 20 threads
      // (SQLite and state workers, V8, libuv): two arenas cut ≈ 90 MB of RSS (bench/RESULTS.md)
      MALLOC_ARENA_MAX: '2',
      NODE_OPTIONS: this.spec.nodeOptions,
      FORCE_COLOR: '1',
    };
    // The token is in the config file (0600, in a 0700 dir), never in argv: any local user can read
    // a command line from /proc or ps.
    const args = [...b.args, 'gateway', 'run', '--bind', 'loopback', '--port', String(this.port), '--auth', 'token'];
    this.log.write('system', `$ openclaw ${args.slice(b.args.length).join(' ')}   (token from the config file)\n`);
    // The launcher runs the gateway and holds our end of a pipe on its stdin: when this process dies,
    // however it dies, the pipe closes and the launcher takes the whole gateway down.
    const { node, path } = this.spec.launcher;
    const sub = execa(node, [path, b.command, ...args], {
      env: { ...env, [MARKER_ENV]: this.envMarker },
      extendEnv: false,
      cwd: this.dir,
      detached: true,
      reject: false,
      buffer: false,
      stdin: 'pipe',
      cleanup: true,
    });
    this.sub = sub;
    this.pid = sub.pid ?? null;
    this.startedAt = Date.now();
    const output = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
      this.log.write(stream, d);
      this.notePressure(d.toString('utf8'));
    };
    sub.stdout?.on('data', output('stdout'));
    sub.stderr?.on('data', output('stderr'));
    this.exited = sub.then((r) => {
      this.exitCode = r.exitCode ?? null;
      this.exitSignal = r.signal ?? null;
      const why = r.failed && r.exitCode === undefined && !r.signal ? ` (${(r.message ?? '').split('\n')[0]})` : '';
      const how = this.exitCode !== null ? `code ${this.exitCode}` : `signal ${this.exitSignal}`;
      // asked to stop, the process tree gets SIGTERM (then SIGKILL): its exit code is ours, not a crash
      this.log.write(
        'system',
        this.stopping
          ? `\n[trajscope] gateway stopped by Trajscope (not a crash): process exited with ${how}\n`
          : `\n[trajscope] gateway process exited on its own (a crash): ${how}${why}\n`,
      );
      if (!this.stopping && this.state !== 'closed') {
        this.state = 'crashed';
        this.sweep(); // nothing of a crashed gateway stays running until someone restarts it
        this.onCrash?.(this);
      }
    });
  }

  /** OpenClaw's memory-pressure lines in a chunk of output: counted, and told when new or worse. */
  private notePressure(text: string): void {
    if (!text.includes('memory pressure')) return;
    for (const line of pressureLines(text)) {
      const { now, escalated } = nextPressure(this.memoryPressure, line, Date.now());
      this.memoryPressure = now;
      if (escalated) this.onPressure?.(this);
    }
  }

  /** SIGKILLs every process still carrying this gateway's marker; returns how many there were. */
  private sweep(): number {
    const stragglers = processesWithEnv(this.envMarker);
    for (const p of stragglers) signalTree(p, 'SIGKILL', [p]);
    return stragglers.length;
  }

  /** The environment entry every process of this gateway carries. */
  get envMarker(): string {
    return `OPENCLAW_STATE_DIR=${join(this.dir, 'state')}`;
  }

  /** The gateway server itself (it names itself `openclaw-gateway`; our launcher is its parent). */
  serverPid(): number | null {
    return this.pid === null ? null : findInTree(this.pid, 'openclaw-gateway');
  }

  /** Resolves when the process has exited, or after `ms`, whichever comes first. */
  async waitExit(ms: number): Promise<void> {
    await Promise.race([this.exited, sleep(ms)]);
  }

  /** What happened to the process, for error messages. */
  describeExit(): string {
    const how =
      this.exitCode !== null
        ? `exit code ${this.exitCode}`
        : this.exitSignal
          ? `signal ${this.exitSignal}`
          : 'unknown cause';
    return `OpenClaw gateway ${this.id} (pid ${this.pid}) exited with ${how}`;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + this.spec.readyTimeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (const path of ['/health', '/readyz']) {
      for (;;) {
        if (exited || this.pid === null) {
          await this.exited;
          const lines = this.log.lastLines(40);
          throw new GatewayStartError(
            `${this.describeExit()} while starting; last log lines:\n  ${lines.slice(-8).join('\n  ')}`,
            lines.some((l) => l.includes('EADDRINUSE')),
          );
        }
        if (Date.now() > deadline) {
          throw new GatewayStartError(
            `OpenClaw gateway ${this.id} was not ready within ${Math.round(this.spec.readyTimeoutMs / 1000)} s ` +
              `(waiting for ${path}); last log lines:\n  ${this.log.lastLines(8).join('\n  ')}`,
          );
        }
        try {
          const r = await request(`${this.url}${path}`, { headersTimeout: 2000, bodyTimeout: 2000 });
          await r.body.dump();
          if (r.statusCode === 200) break;
        } catch {
          /* not listening yet */
        }
        await sleep(200);
      }
    }
  }

  /**
   * Points the gateway's provider at a new upstream key (or URL or model) and returns only once the
   * gateway uses it: a request sent before that would still go out with the old key. A new key is
   * a key-file rewrite and `secrets.reload`; a new URL or model, a config rewrite and hot reload.
   */
  async rebind(binding: ProviderBinding): Promise<void> {
    if (!this.isRunning) throw new Error(`${this.id} is not running`);
    const sameRoute = binding.baseUrl === this.binding.baseUrl && binding.model === this.binding.model;
    if (sameRoute && binding.apiKey === this.binding.apiKey) return;
    const previous = this.binding;
    this.binding = binding;
    try {
      await (sameRoute ? this.applyKeys() : this.applyConfig());
    } catch (err) {
      this.binding = previous;
      throw err;
    }
  }

  /**
   * Writes the config (and key file) as they now stand and resolves once the gateway applied them.
   * Changes asked for while a write is in flight go out together in the next one (a shared
   * gateway's sessions rebind at once): one reload at a time, so the next "applied" line is always
   * the answer to our write, and a secrets reload never races a config reload.
   */
  applyConfig(): Promise<void> {
    this.configChanged = true;
    return this.apply();
  }

  /** Writes the key file as it now stands and resolves once the gateway reloaded its secrets. */
  applyKeys(): Promise<void> {
    return this.apply();
  }

  private apply(): Promise<void> {
    this.nextWrite ??= deferred();
    const wait = this.nextWrite.promise;
    if (!this.writing) this.writeNext();
    return wait;
  }

  private nextWrite: ReturnType<typeof deferred> | null = null;
  private configChanged = false;
  private writing: Promise<void> | null = null;
  private written = '';
  private keysWritten = '';

  private writeNext(): void {
    const batch = this.nextWrite!;
    this.nextWrite = null;
    const config = this.configChanged;
    this.configChanged = false;
    this.writing = (config ? this.writeAndWait() : this.reloadKeys()).then(batch.resolve, batch.reject).finally(() => {
      this.writing = null;
      if (this.nextWrite) this.writeNext();
    });
  }

  /** The key file rewritten and `secrets.reload` asked for over the control channel. */
  private async reloadKeys(): Promise<void> {
    if (!this.isRunning) throw new Error(`${this.id} is not running`);
    const current = this.keyFile();
    if (JSON.stringify(current) === this.keysWritten) return;
    const keys = this.writeKeys(current);
    this.control ??= new GatewayControl(this.port, this.token);
    const answer = (await this.control.call('secrets.reload')) as { ok?: boolean; warningCount?: number } | null;
    // a key the file provider cannot read leaves the provider "cold" and the reload answers with a warning
    if (!answer?.ok || answer.warningCount)
      throw new Error(`${this.id} could not reload its keys (${JSON.stringify(answer)})`);
    this.keysWritten = keys;
  }

  private async writeAndWait(timeoutMs = 15_000): Promise<void> {
    if (!this.isRunning) throw new Error(`${this.id} is not running`);
    const config = this.configFor(this.binding);
    const text = JSON.stringify(config);
    // the config reload re-reads the key file too; with the config unchanged, no reload is logged
    if (text === this.written) return this.reloadKeys();
    const keys = this.writeKeys();
    let unwatch = () => {};
    const applied = new Promise<void>((resolve, reject) => {
      let seen = '';
      unwatch = this.log.watch((c) => {
        seen = (seen + c.text).slice(-4000);
        if (/config hot reload applied/.test(seen)) resolve();
        else if (/config reload skipped/.test(seen))
          reject(new Error(`${this.id} refused the new config (config reload skipped)`));
      });
    });
    const timer = sleep(timeoutMs).then(() =>
      Promise.reject(new Error(`${this.id} did not apply the new config within ${timeoutMs / 1000} s`)),
    );
    try {
      writeConfig(this.configPath, config);
      await Promise.race([applied, timer, this.exited.then(() => Promise.reject(new Error(this.describeExit())))]);
      this.written = text;
      this.keysWritten = keys;
    } finally {
      unwatch();
      timer.catch(() => {}); // the race is over: the timer's later rejection has no reader
    }
  }

  /** SIGTERM, then SIGKILL of the whole tree after `deadlineMs`; closes the log and removes the dir. Idempotent. */
  stop(deadlineMs = 5000): Promise<void> {
    this.stopping ??= (async () => {
      this.control?.close();
      const pid = this.pid;
      if (pid !== null && this.sub && this.exitCode === null && this.exitSignal === null) {
        const tree = processTree(pid);
        signalTree(pid, 'SIGTERM', tree);
        const done = await Promise.race([this.exited.then(() => true), sleep(deadlineMs).then(() => false)]);
        const left = [...new Set([...tree, ...processTree(pid)])];
        if (!done)
          this.log.write(
            'system',
            `\n[trajscope] no exit ${deadlineMs} ms after SIGTERM; sending SIGKILL to ${left.length} processes\n`,
          );
        signalTree(pid, 'SIGKILL', left);
        await this.exited;
      }
      // Whatever is left of this gateway (children of a crashed server, a broker in its own
      // process group) still carries the gateway's state dir in its environment.
      for (let i = 0; i < 20 && this.sweep() > 0; i++) await sleep(50);
      this.state = 'closed';
      this.log.close();
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    })();
    return this.stopping;
  }
}
