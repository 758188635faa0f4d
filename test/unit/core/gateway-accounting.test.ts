// What OpenClaw says of its memory, read from its own line format, and the status bar's count of
// every gateway (the workbench's and lab runs'), announced only when what it shows changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayAccounting } from '../../../electron/core/gateways/accounting.ts';
import type { GatewaySupervisor } from '../../../electron/core/gateways/supervisor.ts';
import { nextPressure, pressureLines } from '../../../electron/core/gateways/pressure.ts';
import { EngineEvents } from '../../../electron/core/events.ts';
import type { GatewayStats } from '../../../shared/domain.ts';

// the shape OpenClaw 2026.9.6 writes (diagnostic module), shortened where it lists worker heaps
const LINE =
  '2026-12-06T10:00:00.000Z [diagnostic] memory pressure: level=warning reason=rss_threshold ' +
  'rss=1.0GB threshold=1.0GB thresholdRatio=1.01 rssBytes=1084227584 heapUsedBytes=301989888 ' +
  'externalBytes=4194304 arrayBuffersBytes=1048576 thresholdBytes=1073741824 nextStep=run openclaw gateway ' +
  'status --deep and openclaw gateway diagnostics export; restart gateway if pressure persists\n';

test("OpenClaw's memory-pressure lines are read, counted, and told when new or worse", () => {
  const [line] = pressureLines(`noise\n${LINE}more noise`);
  assert.deepEqual(line, { level: 'warning', reason: 'rss_threshold', rssBytes: 1084227584 });
  assert.deepEqual(pressureLines('memory usage is fine\n'), []);
  // half the heap limit in use: what every gateway under the engine's heap cap says (not raised)
  const heap = LINE.replace('reason=rss_threshold', 'reason=heap_threshold');
  assert.deepEqual(pressureLines(heap), []);
  assert.equal(pressureLines(heap.replace('level=warning', 'level=critical'))[0]?.level, 'critical');
  const first = nextPressure(null, line!, 1);
  assert.deepEqual([first.now.count, first.escalated], [1, true]);
  const again = nextPressure(first.now, line!, 2);
  assert.deepEqual([again.now.count, again.escalated], [2, false], 'a repeat is counted, not announced');
  const critical = nextPressure(again.now, { ...line!, level: 'critical' }, 3);
  assert.deepEqual([critical.now.count, critical.now.level, critical.escalated], [3, 'critical', true]);
});

test('the count covers every supervisor added, lab runs apart, and is announced on change only', async () => {
  const gw = (rssBytes: number | null, pressure = false) => ({
    isRunning: true,
    rssBytes,
    memoryPressure: pressure ? { level: 'warning' } : null,
  });
  const main = { running: [gw(900e6), gw(100e6, true), { isRunning: false, rssBytes: 5e9, memoryPressure: null }] };
  const lab = { running: [gw(800e6), gw(null)] }; // one just spawned: not sampled yet
  const events = new EngineEvents();
  const seen: GatewayStats[] = [];
  events.on('gateways:stats', (s) => seen.push(s));
  const accounting = new GatewayAccounting(events, () => 1);
  try {
    accounting.add(main as unknown as GatewaySupervisor, 'workbench');
    const remove = accounting.add(lab as unknown as GatewaySupervisor, 'lab');
    assert.deepEqual(accounting.stats(), {
      alive: 4,
      rssBytes: 1800e6,
      pooled: 1,
      lab: 2,
      underPressure: 1,
      unmeasured: 1,
    });
    await new Promise((r) => setTimeout(r, 1100));
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(seen.length, 1, 'the same count is announced once');
    remove();
    assert.deepEqual(seen.at(-1), {
      alive: 2,
      rssBytes: 1000e6,
      pooled: 1,
      lab: 0,
      underPressure: 1,
      unmeasured: 0,
    });
  } finally {
    accounting.stop();
  }
});
