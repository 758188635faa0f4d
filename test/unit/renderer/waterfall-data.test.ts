// A turn's waterfall as data: the turn, each call's wait and stream at their recorded times, the
// tools a call asked for between its end and the next call (a failed one told apart), log lines by
// level, a running turn and call drawn up to now, and a flood of log lines capped with its warnings kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogChunk, UpstreamCall } from '../../../shared/domain.ts';
import { buildWaterfall, logLevel } from '../../../renderer/src/features/turns/waterfall-data.ts';

const T0 = 1_000_000;
const call = (seq: number, start: number, first: number | null, end: number | null, tools: string[] = []) =>
  ({
    id: `c${seq}`,
    seq,
    startedAt: T0 + start,
    firstByteAt: first === null ? null : T0 + first,
    endedAt: end === null ? null : T0 + end,
    outcome: end === null ? null : 'complete',
    response: { toolCalls: tools.map((name, index) => ({ index, id: `t${seq}${index}`, name, arguments: '{}' })) },
  }) as unknown as UpstreamCall;
const log = (at: number, text: string): LogChunk => ({
  gatewayId: 'g',
  sessionKey: 's',
  stream: 'stdout',
  at: T0 + at,
  text,
});

test('three calls and two tool calls, at their recorded times, in time order', () => {
  const turn = {
    startedAt: T0,
    endedAt: T0 + 3800,
    index: 2,
    status: 'ok' as const,
    toolCalls: [
      { index: 0, id: 't10', name: 'get_weather', arguments: '{}', result: 'sunny' },
      { index: 1, id: 't20', name: 'web_search', arguments: '{}', error: 'Unknown tool' },
    ],
  };
  // given out of order: drawn in the order they started
  const calls = [
    call(3, 2800, 3000, 3600),
    call(1, 100, 400, 900, ['get_weather']),
    call(2, 1500, 1700, 2300, ['web_search']),
  ];
  const w = buildWaterfall(
    turn,
    calls,
    [log(950, '[tools] ran get_weather'), log(2400, 'WARN memory pressure')],
    T0 + 9999,
  );
  assert.deepEqual(w.rows, ['turn', 'call 1', 'tool get_weather', 'call 2', 'tool web_search', 'call 3', 'logs']);
  assert.equal(w.span, 3800);
  const bars = w.segments.map((s) => [s.row, s.kind, s.x1, s.x2]);
  assert.deepEqual(bars, [
    ['turn', 'turn', 0, 3800],
    ['call 1', 'wait', 100, 400],
    ['call 1', 'stream', 400, 900],
    ['tool get_weather', 'tool', 900, 1500],
    ['call 2', 'wait', 1500, 1700],
    ['call 2', 'stream', 1700, 2300],
    ['tool web_search', 'tool-failed', 2300, 2800],
    ['call 3', 'wait', 2800, 3000],
    ['call 3', 'stream', 3000, 3600],
  ]);
  assert.match(w.segments[6]!.title, /failed — Unknown tool/);
  assert.deepEqual(
    w.logs.map((l) => [l.x, l.level]),
    [
      [950, 'info'],
      [2400, 'warning'],
    ],
  );
});

test('a running turn and a call in flight are drawn up to now, marked open', () => {
  const turn = { startedAt: T0, endedAt: null, index: 0, status: 'running' as const, toolCalls: [] };
  const w = buildWaterfall(turn, [call(1, 50, null, null)], [], T0 + 700);
  assert.equal(w.span, 700);
  assert.deepEqual(
    w.segments.map((s) => [s.kind, s.x2, s.open]),
    [
      ['turn', 700, true],
      ['wait', 700, true],
    ],
  );
  assert.match(w.segments[1]!.title, /\(in flight\)/);
});

test('log levels; a flood of lines keeps its warnings and errors', () => {
  assert.equal(logLevel('Error: ECONNRESET'), 'error');
  assert.equal(logLevel('[diagnostics/memory] memory pressure: level=warning'), 'warning');
  assert.equal(logLevel('[gateway] ready'), 'info');
  const turn = { startedAt: T0, endedAt: T0 + 10_000, index: 0, status: 'ok' as const, toolCalls: [] };
  const lines = Array.from({ length: 5000 }, (_, i) => log(i, i === 4999 ? 'fatal: out of memory' : 'tick'));
  const w = buildWaterfall(turn, [], lines, T0);
  assert.equal(w.logs.length, 2000);
  assert.ok(
    w.logs.some((l) => l.level === 'error'),
    'the last line, an error, is kept',
  );
});
