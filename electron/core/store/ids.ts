// Row ids that sort by creation time: a new row lands at the end of its primary-key index, beside
// the rows just written, instead of on a random page — fewer pages written per commit, and an index
// that stays dense at a million rows. The random tail keeps ids unguessable and unique; its bytes
// come from a pool refilled 4 KB at a time (one system call per 512 ids, not one per id).
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let at = pool.length;

/** `<prefix>_<ms since epoch, base 36, 9 digits><16 hex digits>` */
export function newId(prefix: string, now = Date.now()): string {
  if (at + 8 > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const tail = pool.toString('hex', at, at + 8);
  at += 8;
  return `${prefix}_${now.toString(36).padStart(9, '0')}${tail}`;
}
