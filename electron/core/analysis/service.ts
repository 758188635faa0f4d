// The leak detectors as the engine runs them: on a worker thread where one starts (worker.ts), so
// a 100 KB prompt's few milliseconds of shingling never hold up other sessions' turns and the
// machine's second core does the work; on the engine's thread, right after the call is on its
// way, where a worker cannot start (or dies). Either way alerts are stored and announced here, once
// each, and `settled()` tells a turn when every call recorded before it has been analyzed, so a
// turn answers only after its own alerts exist.
import { Worker } from 'node:worker_threads';
import type { UpstreamCall } from '../../../shared/domain.ts';
import type { EngineEvents } from '../events.ts';
import type { Store } from '../store/store.ts';
import { LeakAnalyzer, type CallRef, type TurnFacts } from './analyzer.ts';
import type { LeftFile } from './detector.ts';
import { ForeignLog } from './foreign.ts';
import { WORKER_HEAP_MB } from './memory.ts';
import type { FromWorker, Post, ToWorker, WorkerData } from './protocol.ts';
import { DetectorRegistry } from './registry.ts';

export interface AnalysisOptions {
  dataDir: string;
  /** The worker's entry (worker.ts from source, a built file in the desktop app); null: no worker. */
  worker: URL | string | null;
  /** The worker's heap cap in MiB (default WORKER_HEAP_MB); past it the worker dies, the engine lives. */
  heapMb?: number;
  /** The detectors to run (default: the built-in ones). */
  detectors?: DetectorRegistry;
  /** The modules the user's own detectors came from: the worker loads them too. */
  detectorModules?: readonly string[];
  /** The tokenizer setting (null: the bundled one). */
  tokenizer?: string | null;
  warn(message: string): void;
}

type Queued = Exclude<ToWorker, { type: 'stop' }>;
type Unsent =
  | { type: 'call'; call: CallRef; body: Uint8Array }
  | { type: 'turn'; turn: TurnFacts }
  | { type: 'answered'; call: UpstreamCall }
  | { type: 'tokenizer'; source: string | null };

/** How long ready messages wait to go together (alerts may lag a call by this much; readers settle). */
const FLUSH_MS = 25;

export class Analysis {
  /** Stores and announces alerts (with their dedupe); the detectors themselves when there is no worker. */
  readonly analyzer: LeakAnalyzer;
  /** Content of recent calls nothing here explains, for a hub to check across hosts (foreign.ts). */
  readonly foreign = new ForeignLog();
  readonly #store: Store;
  readonly #events: EngineEvents;
  readonly #opts: AnalysisOptions;
  #worker: Worker | null = null;
  #seq = 0;
  #answered = 0;
  readonly #waiters: Array<{ seq: number; resolve: () => void }> = [];
  /** Messages leave in order, each once what it refers to is committed (the worker reads it). */
  #tail: Promise<void> = Promise.resolve();
  #offTurns: (() => void) | null = null;
  /** Messages ready to go, sent together once per turn of the event loop (one wake-up of the worker). */
  #outbox: Queued[] = [];

  constructor(store: Store, events: EngineEvents, opts: AnalysisOptions) {
    this.#store = store;
    this.#events = events;
    this.#opts = opts;
    this.analyzer = new LeakAnalyzer(store, events, opts.detectors ?? new DetectorRegistry(), opts.tokenizer ?? null);
    this.analyzer.onForeign = (f) => this.foreign.add(f);
  }

  /** Where the detectors run now. */
  get where(): 'worker' | 'engine thread' {
    return this.#worker ? 'worker' : 'engine thread';
  }

  /** Starts the worker; resolves once it runs, or once the engine thread has taken over. */
  async start(): Promise<void> {
    if (!this.#opts.worker) return;
    let worker: Worker;
    try {
      // A capped heap: V8 sizes an uncapped one by the machine's memory and lets garbage pile up to
      // several times what is live (measured: 1.2 GB used for ≈ 360 MB live after 5,000 episodes);
      // capped, it collects sooner. Past the cap the worker dies and the engine thread takes over.
      const maxOldGenerationSizeMb = this.#opts.heapMb ?? WORKER_HEAP_MB;
      worker = new Worker(this.#opts.worker, {
        workerData: {
          dataDir: this.#opts.dataDir,
          detectorModules: [...(this.#opts.detectorModules ?? [])],
          tokenizer: this.#opts.tokenizer ?? null,
        } satisfies WorkerData,
        resourceLimits: { maxOldGenerationSizeMb },
      });
    } catch (err) {
      this.#opts.warn(`leak detectors run on the engine's thread: ${(err as Error).message}`);
      return;
    }
    // up once it has loaded and opened the data dir (it says "ready"), not merely once the thread runs
    const up = await new Promise<boolean>((resolve) => {
      const settle = (ok: boolean, why = '') => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (!ok) {
          this.#opts.warn(`leak detectors run on the engine's thread: ${why}`);
          void worker.terminate();
        }
        resolve(ok);
      };
      const onMessage = (m: unknown) => settle(m === 'ready', `the analysis worker said ${String(m)}`);
      const onError = (err: Error) => settle(false, err.message);
      const onExit = (code: number) => settle(false, `the analysis worker exited (${code})`);
      const timer = setTimeout(() => settle(false, 'the analysis worker did not start in 10 s'), 10_000).unref();
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    if (!up) return;
    this.#worker = worker;
    worker.on('message', (m: FromWorker) => this.#answer(m));
    worker.on('error', (err) => this.#lost(`the analysis worker failed: ${err.message}`));
    worker.on('exit', () => this.#lost('the analysis worker stopped'));
    this.#offTurns = this.#events.on(
      'turns:changed',
      (t) => t.status === 'ok' && this.#post({ type: 'turn', turn: t }),
    );
  }

  /** Runs every detector on a call just recorded; never delays the call. */
  analyzeCall(call: UpstreamCall, body: Buffer): void {
    // a copy of exactly the body's bytes, moved to the worker (a Buffer may be a view of a bigger pool)
    const ref: CallRef = {
      id: call.id,
      sessionKey: call.sessionKey,
      episodeId: call.episodeId,
      turnId: call.turnId,
      outsideTurn: call.outsideTurn,
    };
    if (this.#worker) return this.#post({ type: 'call', call: ref, body: new Uint8Array(body) });
    setImmediate(() => this.#here(call, body));
  }

  /** The token checks' tokenizer changed (Settings): calls answered from now on use it. */
  setTokenizer(source: string | null): void {
    // the engine thread's analyzer too: it takes over if the worker dies
    this.analyzer.setTokenizer(source);
    if (this.#worker) this.#post({ type: 'tokenizer', source });
  }

  /** Runs the token checks on a call answered (after its request's analysis, in order). */
  callAnswered(call: UpstreamCall): void {
    if (this.#worker) return this.#post({ type: 'answered', call });
    setImmediate(() => this.#answeredHere(call));
  }

  /** The worker's heap (used bytes), or null on the engine's thread: what the detectors take. */
  async workerHeap(): Promise<number | null> {
    const stats = await this.#worker?.getHeapStatistics();
    return stats ? stats.used_heap_size : null;
  }

  /** Resolves once every call recorded so far has been analyzed and its alerts stored. */
  settled(): Promise<void> {
    if (!this.#worker) return new Promise((resolve) => setImmediate(resolve));
    const seq = this.#seq;
    if (this.#answered >= seq) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ seq, resolve }));
  }

  /** A call with the key of an ended episode (the recorder refused it). */
  staleKey(episodeId: string, sessionKey: string): void {
    this.#signal(() =>
      this.analyzer.signal('stale_key_use', { sessionKey, episodeId, episode: this.#store.episodes.get(episodeId) }),
    );
  }

  /** An episode started where the previous one's workspace files are still there. */
  stateLeft(sessionKey: string, episodeId: string, files: LeftFile[]): void {
    this.#signal(() => this.analyzer.signal('state_left', { sessionKey, episodeId, files }));
  }

  /** Signals are few and cheap: their detectors run here, at once; a fault is reported, not thrown at the caller. */
  #signal(run: () => void): void {
    try {
      run();
    } catch (err) {
      this.#opts.warn(`leak analysis failed: ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.#offTurns?.();
    const worker = this.#worker;
    if (!worker) return;
    await this.#tail;
    this.#flush();
    this.#worker = null;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'stop' } satisfies Post);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    await worker.terminate();
    this.#release(Infinity);
  }

  #post(m: Unsent): void {
    const msg: Queued = { ...m, seq: ++this.#seq };
    this.#tail = this.#tail
      .then(() => this.#store.durable())
      .then(
        () => {
          if (!this.#worker) {
            if (msg.type === 'call') this.#here(msg.call, msg.body);
            if (msg.type === 'answered') this.#answeredHere(msg.call);
            if (msg.type === 'tokenizer') this.analyzer.setTokenizer(msg.source);
            return;
          }
          if (this.#outbox.push(msg) === 1) setTimeout(() => this.#flush(), FLUSH_MS);
        },
        // the call's group was lost (the engine reported it): nothing of it to analyze
        () => this.#answer({ seq: msg.seq, findings: [], foreign: [], error: null }),
      );
  }

  #flush(): void {
    const batch = this.#outbox;
    if (batch.length === 0) return;
    this.#outbox = [];
    if (!this.#worker) {
      for (const m of batch) {
        if (m.type === 'call') this.#here(m.call, m.body);
        if (m.type === 'answered') this.#answeredHere(m.call);
        if (m.type === 'tokenizer') this.analyzer.setTokenizer(m.source);
      }
      return;
    }
    const bodies = batch.flatMap((m) => (m.type === 'call' ? [m.body.buffer as ArrayBuffer] : []));
    this.#worker.postMessage(batch satisfies Post, bodies);
  }

  #answer(m: FromWorker): void {
    for (const f of m.findings) this.analyzer.raise(f.alert, f.dedupe);
    for (const f of m.foreign) this.foreign.add(f);
    if (m.error) this.#opts.warn(`leak analysis failed: ${m.error}`);
    this.#answered = Math.max(this.#answered, m.seq);
    this.#release(this.#answered);
  }

  #release(upTo: number): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      if (this.#waiters[i]!.seq > upTo) continue;
      this.#waiters[i]!.resolve();
      this.#waiters.splice(i, 1);
    }
  }

  /** The worker is gone: later calls are analyzed here; those it still held are reported lost. */
  #lost(why: string): void {
    if (!this.#worker) return;
    this.#worker = null;
    this.#offTurns?.();
    const missed = this.#seq - this.#answered;
    this.#opts.warn(`${why}; leak detectors now run on the engine's thread${missed ? ` (${missed} unanalyzed)` : ''}`);
    this.#release(Infinity);
  }

  #answeredHere(call: UpstreamCall): void {
    try {
      this.analyzer.answered(call);
    } catch (err) {
      this.#opts.warn(`token checks failed for ${call.id}: ${(err as Error).message}`);
    }
  }

  #here(call: CallRef, body: Uint8Array): void {
    try {
      this.analyzer.analyzeCall(call, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    } catch (err) {
      // a detector fault must never cost a recording; it is reported, not hidden
      this.#opts.warn(`leak analysis failed for ${call.id}: ${(err as Error).message}`);
    }
  }
}
