// One engine per data dir. Whatever writes a data dir (serve, the desktop app, replay, the lab,
// prune, vacuum, import) holds an exclusive lock on `<data-dir>/engine.lock` for as long as it
// writes: SQLite's own file lock (fcntl on POSIX, LockFileEx on Windows) inside a transaction that
// never ends. The kernel lets go of it when the process dies by any means, so a crash never leaves
// a stale lock, and a second engine is refused at once — before it recovers, reaps or registers
// anything. `runtime.json` beside it says who holds the lock (pid, how it was started, its URLs);
// only the holder writes it (atomically, never through a symlink) and only the holder removes it.
import { closeSync, constants, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export const LOCK_FILE = 'engine.lock';
export const RUNTIME_FILE = 'runtime.json';

/** What runtime.json says about the engine holding a data dir: what other local tools need. */
export interface EngineRecord {
  pid: number;
  /** How it was started: `trajscope serve`, `the desktop app`, `trajscope prune`, … */
  startedBy: string;
  startedAt: number;
  dataDir: string;
  /** The workbench UI without its token (the token is never written down). */
  ui?: string | null;
  api?: string | null;
  proxy?: string;
  upstream?: string;
  /** The DataProxy's admin key: AReaL scripts on this machine read it here (docs/areal.md). */
  adminKey?: string;
}

/** A second engine on a data dir: refused, with what is known of the first. */
export class DataDirBusyError extends Error {
  readonly holder: EngineRecord | null;
  constructor(dataDir: string, holder: EngineRecord | null, advice = 'stop it first, or use another --data-dir') {
    super(`${describeHolder(dataDir, holder)}: ${advice}`);
    this.name = 'DataDirBusyError';
    this.holder = holder;
  }
}

function describeHolder(dataDir: string, h: EngineRecord | null): string {
  if (!h) return `another engine is running on ${dataDir}`;
  const at = new Date(h.startedAt).toISOString().replace('T', ' ').slice(0, 19);
  const ui = h.ui ? `, UI ${h.ui}` : '';
  return `another engine is running on ${dataDir} (pid ${h.pid}, ${h.startedBy}, started ${at} UTC${ui})`;
}

/** How this process was started, for the message a second engine gets. */
export function describeProcess(): string {
  const script = process.argv[1] ? basename(process.argv[1]).replace(/\.(m?js|ts)$/, '') : 'node';
  const name = script === 'cli' ? 'trajscope' : script;
  return [name, process.argv[2]].filter(Boolean).join(' ');
}

export class DataDirLock {
  readonly dataDir: string;
  readonly record: EngineRecord;
  private db: DatabaseSync | null;

  private constructor(dataDir: string, db: DatabaseSync, startedBy: string) {
    this.dataDir = dataDir;
    this.db = db;
    this.record = { pid: process.pid, startedBy, startedAt: Date.now(), dataDir };
    this.write();
  }

  /** Takes the data dir's lock, or throws DataDirBusyError naming the engine that holds it. */
  static acquire(dataDir: string, startedBy = describeProcess()): DataDirLock {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, LOCK_FILE);
    closeSync(openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600));
    const db = new DatabaseSync(path);
    try {
      // a little patience only for a reader's probe (a moment's shared lock), never for an engine
      // no journal file: the lock's transaction never writes, and nothing is left beside it after a crash
      db.exec('PRAGMA busy_timeout = 300; PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE');
    } catch (err) {
      db.close();
      if (/locked|busy/i.test((err as Error).message)) throw new DataDirBusyError(dataDir, readRecord(dataDir));
      throw err;
    }
    return new DataDirLock(dataDir, db, startedBy);
  }

  /**
   * The error a writer of `dataDir` would get now, or null when no engine holds it. Takes the
   * lock's shared side for a moment (an engine starting in that moment waits for it).
   */
  static check(dataDir: string): DataDirBusyError | null {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(join(dataDir, LOCK_FILE), { readOnly: true });
    } catch {
      return null; // no lock file: no engine ever ran here
    }
    try {
      db.exec('PRAGMA busy_timeout = 0');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return null;
    } catch (err) {
      if (!/locked|busy/i.test((err as Error).message)) throw err;
      return new DataDirBusyError(dataDir, readRecord(dataDir));
    } finally {
      db.close();
    }
  }

  /** Adds facts (URLs once servers listen) to runtime.json. */
  publish(facts: Partial<Omit<EngineRecord, 'pid' | 'startedBy' | 'startedAt' | 'dataDir'>>): void {
    if (!this.db) return;
    Object.assign(this.record, facts);
    this.write();
  }

  get held(): boolean {
    return this.db !== null;
  }

  /** Removes runtime.json (it is ours: only the holder writes it) and lets the lock go. */
  release(): void {
    if (!this.db) return;
    const file = join(this.dataDir, RUNTIME_FILE);
    if (readRecord(this.dataDir)?.pid === process.pid) rmSync(file, { force: true });
    this.db.close();
    this.db = null;
  }

  /** Written beside and renamed into place: never half a file, never through a planted symlink. */
  private write(): void {
    const file = join(this.dataDir, RUNTIME_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, JSON.stringify(this.record, null, 2) + '\n');
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file); // replaces a symlink at `file` itself, never what it points to
  }
}

/** runtime.json as the holder wrote it; null when missing or unreadable (a symlink is not read). */
export function readRecord(dataDir: string): EngineRecord | null {
  let fd: number;
  try {
    fd = openSync(join(dataDir, RUNTIME_FILE), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const rec = JSON.parse(readFileSync(fd, 'utf8')) as EngineRecord;
    return typeof rec?.pid === 'number' ? rec : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
