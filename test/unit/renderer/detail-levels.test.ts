// Levels of detail of the gateway series: a merged level keeps each group's lowest and highest
// sample (a one-second spike survives a 1,024× merge), skips gaps, and the level chosen gives about
// two points a pixel: the samples as taken when zoomed in, merged ones for a day in view.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type uPlot from 'uplot';
import { DetailLevels, mergeColumns } from '../../../renderer/src/features/stats/detail-levels.ts';

test('a merged level keeps every peak and dip, and leaves gaps out', () => {
  const n = 10_000;
  const xs = Array.from({ length: n }, (_, i) => i);
  const flat = xs.map((i) => (i === 7_777 ? 900 : i === 3_333 ? 10 : 400));
  const holes = xs.map((i) => (i < 5_000 ? null : 100));
  const merged = mergeColumns([xs, flat, holes] as uPlot.AlignedData, 1024);
  const [mx, my, mh] = merged as [number[], number[], Array<number | null>];
  assert.equal(mx.length, 2 * Math.ceil(n / 1024));
  assert.equal(Math.max(...my), 900, 'the one-second spike is kept');
  assert.equal(Math.min(...my), 10, 'the one-second dip is kept');
  assert.deepEqual(mh.slice(0, 8), [null, null, null, null, null, null, null, null], 'no sample, no point');
  assert.equal(mh.at(-1), 100);
  assert.ok(
    mx.every((x, i) => i === 0 || x >= mx[i - 1]!),
    'times stay in order',
  );
  assert.strictEqual(mergeColumns([xs, flat] as uPlot.AlignedData, 1)[1], flat, 'factor 1 is the data itself');
});

test('the level drawn gives about two points a pixel', () => {
  const levels = new DetailLevels([[0], [0]] as uPlot.AlignedData);
  assert.equal(levels.factorFor(3_600, 1_400), 4, 'an hour over 1,400 px');
  assert.equal(levels.factorFor(86_400, 1_400), 64, 'a day over 1,400 px');
  assert.equal(levels.factorFor(600, 1_400), 1, 'ten minutes: every sample');
});
