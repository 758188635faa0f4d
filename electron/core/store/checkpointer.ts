// WAL checkpoints on a thread of their own. A checkpoint copies committed pages from the WAL into
// the database file and syncs both to disk; left to SQLite, it runs inside whichever commit
// crosses 1,000 pages, on the engine's thread, where it cost about half of all commit time under
// load. Here a worker with its own connection checkpoints (PASSIVE: it never blocks the writer)
// every few hundred milliseconds while there are commits, so the engine's thread only appends.
// The worker is plain JavaScript, evaluated from this string: it needs nothing but Node's own
// modules, and runs the same way from source, under Electron and in a packaged app.
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const flag = new Int32Array(workerData.stopped);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    parentPort.close();
    return;
  }
  try {
    checkpoint.get();
  } catch (err) {
    parentPort.postMessage(String(err && err.message));
  }
});
`;

/** How often the worker is asked to checkpoint while commits are happening. */
const EVERY_MS = 250;

export class Checkpointer {
  readonly #worker: Worker;
  readonly #stopped = new SharedArrayBuffer(4);
  readonly #timer: NodeJS.Timeout;
  #dirty = false;
  #closed = false;
  #alive = true;

  /** `gone` runs if the worker dies on its own: the engine's connection then checkpoints again. */
  constructor(path: string, warn: (message: string) => void, gone: () => void) {
    this.#worker = new Worker(SOURCE, { eval: true, workerData: { path, stopped: this.#stopped } });
    this.#worker.unref();
    this.#worker.on('message', (m: string) => warn(`WAL checkpoint failed: ${m}`));
    this.#worker.on('error', (err) => warn(`the checkpoint worker stopped: ${err.message}`));
    this.#worker.on('exit', () => {
      this.#alive = false;
      clearInterval(this.#timer);
      if (!this.#closed) gone();
    });
    this.#timer = setInterval(() => {
      if (!this.#dirty) return;
      this.#dirty = false;
      this.#worker.postMessage('checkpoint');
    }, EVERY_MS).unref();
  }

  /** Called after each commit. */
  committed(): void {
    this.#dirty = true;
  }

  /**
   * Closes the worker's connection and waits (at most 5 s) until it has, so that the engine's own
   * connection closes last and SQLite folds the WAL back into the database.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    if (!this.#alive) return;
    this.#worker.postMessage('stop');
    Atomics.wait(new Int32Array(this.#stopped), 0, 0, 5000);
  }
}
