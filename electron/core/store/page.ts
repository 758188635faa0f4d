// Cursor pagination: a page is fetched with LIMIT n+1 after the last row's sort key, so the next
// page costs the same however deep it is (no OFFSET scans over 100k rows).
import type { Page } from '../../../shared/domain.ts';
import { HttpError } from '../http/errors.ts';

export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 1000;

type Key = Array<string | number>;

export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor carries; anything else is the caller's mistake (400). */
export function decodeCursor(cursor: string, types: Array<'string' | 'number'>): Key {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const ok = Array.isArray(key) && key.length === types.length && key.every((v, i) => typeof v === types[i]);
  if (!ok) throw new HttpError(400, 'invalid cursor: pass the "next" value of the previous page unchanged');
  return key as Key;
}

export function pageLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(limit ?? DEFAULT_PAGE, MAX_PAGE));
}

/** Cuts the extra row fetched to know whether another page follows. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => Key, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), next: more ? encodeCursor(keyOf(kept[kept.length - 1]!)) : null };
}
