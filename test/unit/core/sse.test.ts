import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatAccumulator, SseLineTooLong, SseParser } from '../../../electron/core/model-client/sse.ts';

test('SSE parser: data with and without a space, CRLF, split chunks, comments and event names', () => {
  const p = new SseParser();
  const events = [
    ...p.push('data: {"a":1}\r\n\r\nda'),
    ...p.push('ta:{"b":2}\n\n: comment\nevent: x\ndata: one\ndata: two\n\n'),
    ...p.push('data: [DONE]'),
    ...p.end(),
  ];
  assert.deepEqual(events, [
    { event: null, data: '{"a":1}' },
    { event: null, data: '{"b":2}' },
    { event: 'x', data: 'one\ntwo' },
    { event: null, data: '[DONE]' },
  ]);
});

test('accumulator: tool calls by index, text kept whole, malformed chunks skipped and counted', () => {
  const acc = new ChatAccumulator();
  const long = 'x'.repeat(100_000);
  const chunks = [
    { id: 'c1', model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }] },
    { choices: [{ index: 0, delta: { content: 'lo ' + long } }] },
    {
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 1, id: 'b', function: { name: 'second', arguments: '' } }] } },
      ],
    },
    {
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'first', arguments: '{"q":' } }] } },
      ],
    },
    { choices: [{ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] } }] },
    { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"cats"}' } }] } }] },
    { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: { total_tokens: 9 } },
  ];
  for (const c of chunks) acc.pushData(JSON.stringify(c));
  acc.pushData('{broken');
  acc.pushData('[DONE]');
  assert.equal(acc.text, 'Hello ' + long);
  assert.deepEqual(acc.toolCalls, [
    { index: 0, id: 'a', name: 'first', arguments: '{"q":"cats"}' },
    { index: 1, id: 'b', name: 'second', arguments: '{}' },
  ]);
  assert.equal(acc.malformed, 1);
  assert.equal(acc.finishReason, 'tool_calls');
  assert.deepEqual(acc.usage, { total_tokens: 9 });
  assert.equal(acc.complete, true);
});

test('accumulator: a stream with no finish and no [DONE] is incomplete; an error chunk is kept', () => {
  const acc = new ChatAccumulator();
  acc.pushData(JSON.stringify({ choices: [{ index: 0, delta: { content: 'partial' } }] }));
  assert.equal(acc.complete, false);
  acc.pushData(JSON.stringify({ error: { message: 'boom', type: 'upstream_timeout' } }));
  assert.deepEqual(acc.error, { message: 'boom', type: 'upstream_timeout' });
  assert.equal(acc.complete, false);
});

test('SSE parser: a line split over many chunks, CRLF and a UTF-8 character split at chunk edges', () => {
  const p = new SseParser();
  const line = `data: ${'ü'.repeat(5000)}\r\n\r\n`;
  const bytes = Buffer.from(line);
  const events = [];
  for (let i = 0; i < bytes.length; i += 7) events.push(...p.push(bytes.subarray(i, i + 7)));
  assert.deepEqual(events, [{ event: null, data: 'ü'.repeat(5000) }]);
  assert.deepEqual(p.end(), []);
});

test('SSE parser: a line past the limit throws SseLineTooLong, whole or arriving in pieces', () => {
  assert.throws(() => new SseParser(1024).push(`data: ${'x'.repeat(2000)}\n`), SseLineTooLong);
  const p = new SseParser(1024);
  assert.deepEqual(p.push(`data: ${'y'.repeat(1000)}\n\n`), [{ event: null, data: 'y'.repeat(1000) }]);
  p.push('data: ');
  assert.throws(() => {
    for (let i = 0; i < 100; i++) p.push('z'.repeat(100));
  }, SseLineTooLong);
});
