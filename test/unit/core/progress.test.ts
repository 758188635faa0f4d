// Long work as the UI is told it: every step announced, a finished item kept a minute for a page
// that reconnects, a step after the end ignored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineEvents } from '../../../electron/core/events.ts';
import { ProgressBoard } from '../../../electron/core/progress.ts';
import type { Progress } from '../../../shared/progress.ts';

test('a run is announced at each step, ends once, and is still listed after it ended', () => {
  const events = new EngineEvents();
  const seen: Progress[] = [];
  events.on('progress:changed', (p) => seen.push(p));
  const board = new ProgressBoard(events);
  const p = board.start('group', 'Group of 2: t', 'starting 2 sessions', 4);
  p.step('1 of 4 turns', 1);
  p.finish('1 of 2 rollouts did not finish');
  p.step('late', 4);
  p.finish();
  assert.deepEqual(
    seen.map((x) => [x.step, x.done, x.total, x.error, x.endedAt === null]),
    [
      ['starting 2 sessions', 0, 4, null, true],
      ['1 of 4 turns', 1, 4, null, true],
      ['failed', 1, 4, '1 of 2 rollouts did not finish', false],
    ],
  );
  const [listed] = board.list();
  assert.equal(listed!.error, '1 of 2 rollouts did not finish');
  const lab = board.start('lab', 'Lab: clean', 'starting');
  lab.finish(null, 'pass');
  assert.deepEqual(
    board.list().map((x) => [x.kind, x.step, x.done]),
    [
      ['group', 'failed', 1],
      ['lab', 'pass', null],
    ],
  );
});
