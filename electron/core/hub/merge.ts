// One page of a list over several engines (this one and the hub's remotes), in one order. Every
// engine's own lists page by sort key (store/page.ts), so the hub asks each one for a page from
// where it stands, merges them, keeps the first `limit` and remembers, per engine, the key of the
// last item it kept from it: the next page asks that engine from there (the same cursor the engine
// itself would have written). The hub's cursor is those positions together. An engine that does not
// answer is named in `unanswered` and asked again on the next page; it never holds the others up.
import type { Page, Unanswered } from '../../../shared/domain.ts';
import { HttpError } from '../http/errors.ts';
import { encodeCursor } from '../store/page.ts';

const PREFIX = 'hub.';

/** Where each engine's part of the list stands: its own cursor, null from its start, false when done. */
type Positions = Record<string, string | null | false>;

export interface MergeSource<T> {
  name: string;
  read(cursor: string | undefined, limit: number): Promise<Page<T>>;
}

export interface MergeOrder<T> {
  /** The item's sort key as its engine's cursor holds it. */
  keyOf(item: T): Array<string | number>;
  /** Negative when `a` comes first. */
  compare(a: T, b: T): number;
}

export function isHubCursor(cursor: string | undefined): boolean {
  return !!cursor?.startsWith(PREFIX);
}

export async function mergedPage<T>(
  sources: Array<MergeSource<T>>,
  order: MergeOrder<T>,
  cursor: string | undefined,
  limit: number,
): Promise<Page<T>> {
  const at = cursor ? decode(cursor) : {};
  const asked = sources.filter((s) => at[s.name] !== false);
  const read = await Promise.allSettled(asked.map((s) => s.read(at[s.name] || undefined, limit)));
  const lists: T[][] = [];
  const unanswered: Unanswered[] = [];
  read.forEach((r, i) => {
    lists.push(r.status === 'fulfilled' ? r.value.items : []);
    if (r.status === 'rejected') unanswered.push({ host: asked[i]!.name, error: (r.reason as Error).message });
  });
  // each engine's page is in its own order already: take heads, so what is kept of each is a prefix
  const heads = lists.map(() => 0);
  const kept: Array<{ item: T; from: number }> = [];
  while (kept.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++)
      if (
        heads[i]! < lists[i]!.length &&
        (best < 0 || order.compare(lists[i]![heads[i]!]!, lists[best]![heads[best]!]!) < 0)
      )
        best = i;
    if (best < 0) break;
    kept.push({ item: lists[best]![heads[best]!++]!, from: best });
  }
  const next: Positions = { ...at };
  let more = false;
  asked.forEach((s, i) => {
    const r = read[i]!;
    if (r.status !== 'fulfilled') return;
    const mine = kept.filter((k) => k.from === i);
    const last = mine[mine.length - 1];
    if (mine.length === r.value.items.length) next[s.name] = r.value.next ?? false;
    else if (last) next[s.name] = encodeCursor(order.keyOf(last.item));
    // none of its items made this page: it stays where it was
    if (next[s.name] !== false) more = true;
  });
  return {
    items: kept.map((k) => k.item),
    next: more ? PREFIX + Buffer.from(JSON.stringify(next)).toString('base64url') : null,
    ...(unanswered.length ? { unanswered } : {}),
  };
}

function decode(cursor: string): Positions {
  let at: unknown;
  try {
    at = cursor.startsWith(PREFIX)
      ? JSON.parse(Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString())
      : null;
  } catch {
    at = null;
  }
  const ok =
    !!at &&
    typeof at === 'object' &&
    !Array.isArray(at) &&
    Object.values(at).every((v) => v === null || v === false || typeof v === 'string');
  if (!ok) throw new HttpError(400, 'invalid cursor: pass the "next" value of the previous page unchanged');
  return at as Positions;
}
