// The integrity check at open (SQLite's quick_check). A damaged page would otherwise let the engine
// start fine and then fail every write that touches it. quick_check reads the whole file (about a
// second per GB here), so a database up to SYNC_CHECK_BYTES is checked before the engine starts,
// and a larger one on a thread of its own while the engine starts: if that finds damage, the store
// refuses every write from then on with the same clear message, and the engine says so.
import { Worker } from 'node:worker_threads';

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
