// The resource history: samples each second in the store, aligned on one time axis; marks for a
// start, a crash, a stop, a restart and memory pressure; the memory_growth rule (fires on a floor
// that keeps rising faster than the slope set, not on a gateway that swings back, nor on a slow
// rise); retention; a long range merged into buckets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryGrowth } from '../../../electron/core/resources/growth.ts';
import { ResourceHistory, type WatchedGateway } from '../../../electron/core/resources/history.ts';
import { MAX_POINTS, SECONDS_KEPT_MS } from '../../../electron/core/store/resources-repo.ts';
import { Store } from '../../../electron/core/store/store.ts';
import { ENGINE_SOURCE } from '../../../shared/resources.ts';
import { tempDir } from '../../helpers/workbench.ts';

const MB = 1024 * 1024;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);

function gateway(over: Partial<WatchedGateway> = {}): WatchedGateway {
  return {
    id: 'gw-a',
    label: 'session s1',
    sessionKey: 's1',
    running: true,
    crashed: false,
    rssBytes: 400 * MB,
    cpuPercent: 12.5,
    pressure: null,
    ...over,
  };
}

function withHistory(
  run: (h: {
    store: Store;
    history: ResourceHistory;
    set(g: WatchedGateway[]): void;
    at(ms: number): void;
    warned: string[];
  }) => void,
) {
  const dir = tempDir();
  const store = new Store(dir.path);
  let now = T0;
  let gws: WatchedGateway[] = [];
  const warned: string[] = [];
  const history = new ResourceHistory(store.resources!, {
    gateways: () => gws,
    mbPerHour: () => 100,
    warn: (m) => warned.push(m),
    growth: { windowMs: 60_000, windows: 3 },
    now: () => now,
  });
  try {
    history.start();
    run({ store, history, set: (g) => (gws = g), at: (ms) => (now = ms), warned });
  } finally {
    history.stop();
    store.close();
    dir.remove();
  }
}

test('samples land aligned on one time axis, with a mark for each start, crash, stop and restart', () => {
  withHistory(({ store, history, set, at }) => {
    set([gateway(), gateway({ id: 'gw-b', label: 'warm pool', sessionKey: null, rssBytes: 300 * MB })]);
    for (let s = 1; s <= 3; s++) {
      at(T0 + s * 1000);
      history.tick();
    }
    set([gateway({ crashed: true, running: false })]); // gw-b stopped, gw-a crashed
    at(T0 + 4000);
    history.tick();
    history.restarted('s1');
    set([gateway({ id: 'gw-c', rssBytes: 410 * MB })]);
    at(T0 + 5000);
    history.tick();

    const series = store.resources!.series(T0, T0 + 10_000, T0 + 10_000);
    assert.equal(series.resolution, 'seconds');
    assert.equal(series.step, 1);
    assert.deepEqual(
      series.sources.map((s) => [s.id, s.label]),
      [
        [ENGINE_SOURCE, 'engine'],
        ['gw-a', 'session s1'],
        ['gw-b', 'warm pool'],
        ['gw-c', 'session s1'],
      ],
    );
    assert.deepEqual(
      series.times,
      [1, 2, 3, 4, 5].map((s) => T0 + s * 1000),
    );
    assert.deepEqual(series.rss[1], [400 * MB, 400 * MB, 400 * MB, null, null]); // nothing sampled once crashed
    assert.deepEqual(series.rss[2], [300 * MB, 300 * MB, 300 * MB, null, null]);
    assert.deepEqual(series.rss[3], [null, null, null, null, 410 * MB]);
    assert.equal(series.cpu[1]![0], 12.5);
    assert.ok(
      series.rss[0]!.every((v) => typeof v === 'number' && v > 0),
      'the engine is sampled each tick',
    );
    assert.deepEqual(
      series.marks.map((m) => [m.kind, m.source]),
      [
        ['engine_start', ENGINE_SOURCE],
        ['start', 'gw-a'],
        ['start', 'gw-b'],
        ['crash', 'gw-a'],
        ['stop', 'gw-b'],
        ['restart', 'gw-a'],
        ['start', 'gw-c'],
      ],
    );
    assert.equal(series.marks[5]!.detail, "session s1's gateway restarted");
  });
});

test('memory pressure is marked once a minute however often it is said, and at once when critical', () => {
  withHistory(({ store, history, set, at }) => {
    const pressure = (count: number, level = 'warning') => ({
      level,
      reason: 'rss_threshold',
      rssBytes: 900 * MB,
      count,
      lastAt: T0,
    });
    for (let s = 1; s <= 5; s++) {
      set([gateway({ pressure: pressure(s) })]);
      at(T0 + s * 1000);
      history.tick();
    }
    set([gateway({ pressure: pressure(6, 'critical') })]);
    at(T0 + 6000);
    history.tick();
    const marks = store.resources!.series(T0, T0 + 10_000, T0 + 10_000).marks.filter((m) => m.kind === 'pressure');
    assert.deepEqual(
      marks.map((m) => m.detail),
      [
        'session s1: OpenClaw reports memory pressure (level=warning, rss_threshold, RSS 900 MB)',
        'session s1: OpenClaw reports memory pressure (level=critical, rss_threshold, RSS 900 MB)',
      ],
    );
  });
});

test('memory_growth: a floor rising in every window faster than the slope set is warned once and marked', () => {
  withHistory(({ store, history, set, at, warned }) => {
    // each minute the gateway swings up by 300 MB during a turn and rests 50 MB higher than before
    // (≈ 3000 MB/h), over six minutes; one-minute windows, three rises needed
    for (let s = 1; s <= 6 * 60; s++) {
      const rest = 400 + 50 * Math.floor(s / 60);
      set([gateway({ rssBytes: (s % 60 < 20 ? rest + 300 : rest) * MB })]);
      at(T0 + s * 1000);
      history.tick();
    }
    assert.equal(warned.length, 1, warned.join('\n'));
    assert.match(warned[0]!, /^memory_growth: session s1: RSS between turns rose from \d+ MB to \d+ MB in \d+ min/);
    const marks = store.resources!.series(T0, T0 + 7 * 60_000, T0 + 7 * 60_000).marks;
    assert.equal(marks.filter((m) => m.kind === 'memory_growth').length, 1);
  });
});

test('memory_growth stays quiet for a gateway that swings back to its floor, and for a slow rise', () => {
  const floors = (mbs: number[]) => mbs.map((mb, i) => ({ at: T0 + i * 600_000, rss: mb * MB }));
  const rule = { windowMs: 600_000, windows: 3, mbPerHour: 100 };
  assert.equal(memoryGrowth(floors([400, 900, 400, 900]), rule), null, 'swings are not growth');
  assert.equal(memoryGrowth(floors([400, 410, 420, 430]), rule), null, '60 MB/h is under 100');
  assert.equal(memoryGrowth(floors([400, 500]), rule), null, 'too few windows');
  const grown = memoryGrowth(floors([400, 450, 500, 560]), rule);
  assert.ok(grown);
  assert.equal(grown.mbPerHour, 320);
  assert.equal(grown.fromBytes, 400 * MB);
});

test('samples older than a day go; a range longer than a day is read by the minute', () => {
  withHistory(({ store, history, set, at }) => {
    set([gateway()]);
    at(T0 + 1000);
    history.tick();
    at(T0 + 61_000); // a new minute: the first one is rolled up
    history.tick();
    const later = T0 + SECONDS_KEPT_MS + 120_000;
    store.resources!.prune(later);
    assert.deepEqual(store.resources!.series(T0, T0 + 120_000, later).times, [T0], 'the minute survives');
    const month = store.resources!.series(later - 30 * 24 * 3600_000, later, later);
    assert.equal(month.resolution, 'minutes');
    assert.ok(month.times.length <= MAX_POINTS);
    assert.equal(month.step, 60);
    const week = store.resources!.series(T0, T0 + 120_000, later);
    assert.equal(week.rss[1]![0], 400 * MB, "the minute's peak");
  });
});

test("telemetry in a file of its own: a removed session takes its gateways' samples, marks and names along", () => {
  withHistory(({ store, history, set, at }) => {
    set([gateway(), gateway({ id: 'gw-b', label: 'session s2', sessionKey: 's2' })]);
    at(T0 + 1000);
    history.tick();
    store.sessions.ensure('s1', 'direct');
    store.deleteSessions(['s1']);
    const series = store.resources!.series(T0, T0 + 10_000, T0 + 10_000);
    assert.deepEqual(
      series.sources.map((s) => s.id),
      [ENGINE_SOURCE, 'gw-b'],
    );
    assert.ok(series.marks.every((m) => m.sessionKey !== 's1'));
  });
});
