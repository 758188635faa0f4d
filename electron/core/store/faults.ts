// Storage faults a user can act on. A full disk becomes a 507 naming the data dir (the writes that
// met it are lost and were never acknowledged; the next ones succeed once there is room again). A
// damaged file is found by the integrity check at open (SQLite's quick_check): a damaged page would
// otherwise let the engine start fine and then fail every write that touches it. quick_check reads
// the whole file (about a second per GB here), so a database up to SYNC_CHECK_BYTES is checked
// before the engine starts, and a larger one on a thread of its own while the engine starts: if
// that finds damage, the store refuses every write from then on with the same clear message.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { HttpError } from '../http/errors.ts';

/** SQLite's primary result codes for a damaged file and a full disk. */
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;

/** The error a user sees for a SQLite failure that is the disk's or the file's, else null. */
export function storageFault(err: unknown, path: string): HttpError | null {
  const code = (err as { errcode?: number }).errcode;
  const primary = code === undefined ? null : code & 0xff;
  if (primary === SQLITE_CORRUPT)
    return new HttpError(500, damaged(path, (err as Error).message).message, 'storage_damaged');
  if (primary !== SQLITE_FULL && !/database or disk is full/.test((err as Error)?.message ?? '')) return null;
  return new HttpError(
    507,
    `the disk holding ${dirname(path)} is full: free some space there (nothing unsaved was acknowledged)`,
    'storage_full',
  );
}

/** Up to this size the check runs before the engine starts (≈ 0.25 s); above, on a worker. */
export const SYNC_CHECK_BYTES = 256 * 1024 * 1024;

/** The database file is damaged, with what to do about it. */
export class StoreDamagedError extends Error {}

export function damaged(path: string, detail: string): StoreDamagedError {
  return new StoreDamagedError(
    `the database ${path} is damaged (${detail.replace(/\s+/g, ' ').slice(0, 300)}): restore it from a backup, ` +
      `or move it aside (with its -wal and -shm files) to start with an empty one; ` +
      `\`sqlite3 ${path} .recover\` may save what is readable`,
  );
}

/** What quick_check answered: null when the file is whole, else its findings. */
export function findings(rows: Array<{ quick_check: string }>): string | null {
  return rows[0]?.quick_check === 'ok' ? null : rows.map((r) => r.quick_check).join('; ');
}

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let answer;
try {
  const db = new DatabaseSync(workerData.path, { readOnly: true });
  db.exec('PRAGMA busy_timeout = 5000');
  const rows = db.prepare('PRAGMA quick_check(3)').all();
  db.close();
  answer = rows[0] && rows[0].quick_check === 'ok' ? null : rows.map((r) => r.quick_check).join('; ');
} catch (err) {
  answer = String(err && err.message);
}
parentPort.postMessage(answer);
`;

/** Runs quick_check on a worker; `found` gets the findings of a damaged file (never called for a whole one). */
export function checkInBackground(path: string, found: (detail: string) => void): { stop(): void } {
  const worker = new Worker(SOURCE, { eval: true, workerData: { path } });
  worker.unref();
  worker.on('message', (detail: string | null) => {
    if (detail !== null) found(detail);
  });
  // a worker that cannot run proves nothing either way: the statements themselves still report damage
  worker.on('error', () => {});
  return { stop: () => void worker.terminate() };
}

/**
 * The check at open: before anything for a file up to SYNC_CHECK_BYTES (throws StoreDamagedError),
 * else on a worker (`found` is told of damage); returns the worker's handle, if one runs.
 */
export function checkAtOpen(
  db: DatabaseSync,
  path: string,
  when: 'sync' | 'background' | 'auto',
  found: (err: StoreDamagedError) => void,
): { stop(): void } | null {
  if (when === 'sync' || (when === 'auto' && statSync(path).size <= SYNC_CHECK_BYTES)) {
    const detail = findings(db.prepare('PRAGMA quick_check(3)').all() as Array<{ quick_check: string }>);
    if (detail !== null) throw damaged(path, detail);
    return null;
  }
  return checkInBackground(path, (detail) => found(damaged(path, detail)));
}
