// The hub's charts are exact: stats merged from hosts (hub/merge-stats.ts) equal the stats of one
// store holding every host's episodes — rewards with ranges and busiest tasks that differ per host
// (asked a second time with one range and one set of rows), and alert timelines with buckets of
// different sizes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeAlertTimes, mergedRewardStats } from '../../../electron/core/hub/merge-stats.ts';
import { Store } from '../../../electron/core/store/store.ts';
import type { RewardStats } from '../../../shared/stats.ts';
import { tempDir } from '../../helpers/workbench.ts';

type Ep = { task: string; reward: number | null };

/** A store holding these episodes (one session each), ended and labeled as given. */
function storeOf(eps: Ep[], name: string): { store: Store; done(): void } {
  const dir = tempDir();
  const store = new Store(dir.path);
  eps.forEach((e, i) => {
    store.sessions.ensure(`${name}-${i}`, 'direct');
    const ep = store.episodes.insert({
      sessionKey: `${name}-${i}`,
      taskId: e.task,
      metadata: {},
      upstreamKey: `sk-sess-${name}-${i}`,
      upstreamId: null,
    });
    store.episodes.end(ep.id);
    if (e.reward !== null) store.rewards.insert({ episodeId: ep.id, value: e.reward, source: 'human' });
  });
  return { store, done: () => (store.close(), dir.remove()) };
}

const sorted = (s: RewardStats) => ({
  ...s,
  bins: [...s.bins].sort((a, b) => (a.task + a.source + a.x1 < b.task + b.source + b.x1 ? -1 : 1)),
});

test('rewards over hosts equal one store of all their episodes (other ranges, other busiest tasks)', async () => {
  // host a: rewards in 0–1, busy with tasks t0–t8; host b: a reward of 3 and -2, busy with u0–u8
  const a: Ep[] = Array.from({ length: 40 }, (_, i) => ({ task: `t${i % 9}`, reward: i % 4 ? (i % 5) / 4 : null }));
  const b: Ep[] = Array.from({ length: 30 }, (_, i) => ({ task: `u${i % 10}`, reward: i % 3 ? (i % 7) - 2 : null }));
  b.push({ task: 't1', reward: 0.5 }, { task: 't1', reward: 3 });
  const [sa, sb, all] = [storeOf(a, 'a'), storeOf(b, 'b'), storeOf([...a, ...b], 'all')];
  try {
    let asked = 0;
    const merged = await mergedRewardStats({}, async (req) => {
      asked++;
      return [sa.store.stats.rewards(undefined, 'task', req), sb.store.stats.rewards(undefined, 'task', req)];
    });
    assert.equal(asked, 2, 'asked again with one range and one set of rows');
    const one = all.store.stats.rewards();
    assert.deepEqual(sorted(merged), sorted(one));
  } finally {
    sa.done();
    sb.done();
    all.done();
  }
});

test('hosts that agree are asked once', async () => {
  const a: Ep[] = [{ task: 'x', reward: 1 }];
  const b: Ep[] = [{ task: 'x', reward: 0 }];
  const [sa, sb, all] = [storeOf(a, 'a'), storeOf(b, 'b'), storeOf([...a, ...b], 'all')];
  try {
    let asked = 0;
    const merged = await mergedRewardStats({}, async (req) => {
      asked++;
      return [sa.store.stats.rewards(undefined, 'task', req), sb.store.stats.rewards(undefined, 'task', req)];
    });
    assert.equal(asked, 1);
    assert.deepEqual(sorted(merged), sorted(all.store.stats.rewards()));
  } finally {
    sa.done();
    sb.done();
    all.done();
  }
});

test('alert timelines with buckets of different sizes sum on the coarser, none split', () => {
  const minute = {
    bucketMs: 60_000,
    buckets: [
      { at: 600_000, kind: 'k', count: 2 },
      { at: 660_000, kind: 'k', count: 1 },
    ],
  };
  const fives = {
    bucketMs: 300_000,
    buckets: [
      { at: 600_000, kind: 'k', count: 4 },
      { at: 900_000, kind: 'j', count: 1 },
    ],
  };
  assert.deepEqual(mergeAlertTimes([minute, fives]), {
    bucketMs: 300_000,
    buckets: [
      { at: 600_000, kind: 'k', count: 7 },
      { at: 900_000, kind: 'j', count: 1 },
    ],
  });
  // a joined span wider than 120 buckets takes a coarser size
  const late = { bucketMs: 60_000, buckets: [{ at: 600_000 + 200 * 60_000, kind: 'k', count: 1 }] };
  assert.equal(mergeAlertTimes([minute, late]).bucketMs, 300_000);
});
