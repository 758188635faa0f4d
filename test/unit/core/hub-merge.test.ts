// The hub's merged pages (hub/merge.ts) over sources that page like the engines' own lists: every
// item once in one order whatever the page size, a source that fails named and skipped, a cursor
// that is not the hub's refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from '../../../shared/domain.ts';
import { mergedPage, type MergeSource } from '../../../electron/core/hub/merge.ts';
import { decodeCursor, encodeCursor } from '../../../electron/core/store/page.ts';

interface Item {
  at: number;
  id: string;
}
const order = {
  keyOf: (i: Item) => [i.at, i.id],
  compare: (a: Item, b: Item) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
};

/** A source paging its items newest first by (at, id), as store/page.ts does. */
function source(name: string, items: Item[], fail = false): MergeSource<Item> & { asked: number } {
  const sorted = [...items].sort(order.compare);
  const s = {
    name,
    asked: 0,
    async read(cursor: string | undefined, limit: number): Promise<Page<Item>> {
      s.asked++;
      if (fail) throw new Error(`${name} does not answer`);
      const [at, id] = cursor ? (decodeCursor(cursor, ['number', 'string']) as [number, string]) : [Infinity, ''];
      const after = sorted.filter((i) => i.at < at || (i.at === at && i.id < id));
      const page = after.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page, next: after.length > limit && last ? encodeCursor([last.at, last.id]) : null };
    },
  };
  return s;
}

const items = (name: string, times: number[]) => times.map((at, i) => ({ at, id: `${name}-${i}` }));

async function all(sources: Array<MergeSource<Item>>, limit: number): Promise<Page<Item>[]> {
  const pages: Page<Item>[] = [];
  let cursor: string | undefined;
  do {
    const p = await mergedPage(sources, order, cursor, limit);
    pages.push(p);
    cursor = p.next ?? undefined;
  } while (cursor && pages.length < 100);
  return pages;
}

test('every item once, newest first, for every page size (ties across sources included)', async () => {
  const a = items('a', [10, 9, 9, 5, 1]);
  const b = items('b', [9, 8, 7, 7, 7, 2]);
  const c = items('c', [100]);
  const expected = [...a, ...b, ...c].sort(order.compare).map((i) => i.id);
  for (const limit of [1, 2, 3, 5, 12, 50]) {
    const pages = await all([source('a', a), source('b', b), source('c', c)], limit);
    assert.deepEqual(
      pages.flatMap((p) => p.items.map((i) => i.id)),
      expected,
      `limit ${limit}`,
    );
    assert.ok(pages.every((p) => p.items.length <= limit));
    assert.equal(pages[pages.length - 1]!.next, null);
  }
});

test('a source that fails is named, skipped, and asked again on the next page', async () => {
  const dead = source('dead', items('d', [50]), true);
  const first = await mergedPage([source('a', items('a', [3, 2, 1])), dead], order, undefined, 2);
  assert.deepEqual(
    first.items.map((i) => i.id),
    ['a-0', 'a-1'],
  );
  assert.deepEqual(first.unanswered, [{ host: 'dead', error: 'dead does not answer' }]);
  const second = await mergedPage([source('a', items('a', [3, 2, 1])), dead], order, first.next!, 2);
  assert.deepEqual(
    second.items.map((i) => i.id),
    ['a-2'],
  );
  assert.equal(dead.asked, 2);
  assert.equal(second.next, null, 'a dead source alone does not keep the list going');
});

test('a done source is not asked again; a cursor not written by the hub is refused', async () => {
  const short = source('short', items('s', [100]));
  const long = source('long', items('l', [9, 8, 7, 6]));
  const p1 = await mergedPage([short, long], order, undefined, 2);
  await mergedPage([short, long], order, p1.next!, 2);
  assert.equal(short.asked, 1);
  await assert.rejects(mergedPage([short], order, encodeCursor([1, 'x']), 2), /invalid cursor/);
  await assert.rejects(mergedPage([short], order, 'hub.bm90IGpzb24', 2), /invalid cursor/);
});
