// Rewards counted in SQL for the charts: each episode's latest episode-level reward (a turn's or a
// call's label is not the episode's), progress of ended episodes by source, bins that hold every
// reward exactly once, per-task numbers, and a session's episodes in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from '../../../electron/core/store/store.ts';
import { REWARD_BINS } from '../../../shared/stats.ts';
import { tempDir } from '../../helpers/workbench.ts';

test('rewards by source, task and bin; the latest episode-level label counts', () => {
  const dir = tempDir();
  const store = new Store(dir.path);
  try {
    store.sessions.ensure('s', 'direct');
    store.sessions.ensure('t', 'direct');
    const ep = (session: string, task: string | null, ended = true, groupId: string | null = null) => {
      const e = store.episodes.insert({
        sessionKey: session,
        taskId: task,
        metadata: {},
        upstreamKey: `sk-sess-${Math.random()}`,
        groupId,
        upstreamId: null,
      });
      if (ended) store.episodes.end(e.id);
      return e.id;
    };
    const a = ep('s', 'math', true, 'g1');
    const b = ep('s', 'math', true, 'g1');
    const c = ep('s', 'code');
    ep('t', 'code'); // ended, unlabeled
    const open = ep('t', null, false);
    store.rewards.insert({ episodeId: a, value: 0, source: 'human' });
    store.rewards.insert({ episodeId: a, value: 1, source: 'human' }); // replaces the 0
    store.rewards.insert({ episodeId: b, value: 0.5, source: 'api' });
    store.rewards.insert({ episodeId: c, value: -1, source: 'default' });
    store.rewards.insert({ episodeId: open, value: 0.25, source: 'human' }); // open: not in progress
    const turn = store.turns.insert({ episodeId: c, sessionKey: 's', message: 'x', historyLength: 0 });
    store.rewards.insert({ episodeId: c, turnId: turn.id, value: 1, source: 'human' }); // a turn's, not the episode's

    const all = store.stats.rewards();
    assert.deepEqual(all.progress, { human: 1, api: 1, default: 1, unlabeled: 1 });
    assert.deepEqual(all.domain, [-1, 1], 'widened to the rewards given');
    assert.equal(
      all.bins.reduce((n, x) => n + x.count, 0),
      4,
      'each episode-level reward in one bin',
    );
    const one = all.bins.find((x) => x.task === 'math' && x.source === 'human')!;
    assert.equal(one.count, 1);
    assert.ok(one.x1 <= 1 && one.x2 >= 1 && Math.abs(one.x2 - one.x1 - 2 / REWARD_BINS) < 1e-9, 'the top bin holds 1');
    const math = all.tasks.find((x) => x.task === 'math')!;
    assert.deepEqual(
      { episodes: math.episodes, mean: math.mean, min: math.min, max: math.max },
      { episodes: 2, mean: 0.75, min: 0.5, max: 1 },
    );
    assert.equal(all.session, null);

    // per group of rollouts: the same rewards, rows by group
    const byGroup = store.stats.rewards(undefined, 'group');
    assert.deepEqual(
      byGroup.tasks.map((t) => [t.task, t.episodes]),
      [
        ['(no group)', 3],
        ['g1', 2],
      ],
    );
    assert.equal(
      byGroup.bins.reduce((n, x) => n + x.count, 0),
      4,
    );

    const s = store.stats.rewards('s');
    assert.deepEqual(s.session, [
      { index: 0, reward: 1, source: 'human' },
      { index: 1, reward: 0.5, source: 'api' },
      { index: 2, reward: -1, source: 'default' },
    ]);
    assert.deepEqual(s.progress, { human: 1, api: 1, default: 1, unlabeled: 0 });
  } finally {
    store.close();
    dir.remove();
  }
});
