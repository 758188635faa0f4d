import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interactionRewards } from '../../../electron/core/export/rewards.ts';
import type { Reward } from '../../../shared/domain.ts';

const calls = [
  { id: 'c1', turnId: 't1' },
  { id: 'c2', turnId: 't1' },
  { id: 'c3', turnId: 't2' },
];
const reward = (over: Partial<Reward>): Reward => ({
  id: 'r',
  episodeId: 'e',
  turnId: null,
  callId: null,
  value: 0,
  source: 'api',
  labeler: null,
  note: null,
  rubric: null,
  createdAt: 0,
  ...over,
});

test('an episode reward lands on the last interaction and propagates backwards with the discount', () => {
  const out = interactionRewards(calls, [reward({ value: 1, source: 'human', labeler: 'ann' })], 0.5);
  assert.deepEqual(
    out.map((r) => r.reward),
    [0.25, 0.5, 1],
  );
  assert.deepEqual(
    out.map((r) => r.own),
    [null, null, 1],
  );
  assert.ok(out.every((r) => r.source === 'human' && r.labeler === 'ann'));
});

test("turn rewards go to the turn's last call, call rewards to the call, the latest row wins", () => {
  const out = interactionRewards(
    calls,
    [reward({ turnId: 't1', value: 2 }), reward({ callId: 'c2', value: 3 }), reward({ callId: 'c3', value: 5 })],
    1,
  );
  assert.deepEqual(
    out.map((r) => r.own),
    [null, 3, 5],
  );
  assert.deepEqual(
    out.map((r) => r.reward),
    [8, 8, 5],
  );
});

test('with no reward every interaction gets 0 from the default source', () => {
  const out = interactionRewards(calls, [], 1);
  assert.deepEqual(
    out.map((r) => [r.reward, r.source]),
    [
      [0, 'default'],
      [0, 'default'],
      [0, 'default'],
    ],
  );
});
