// A tool result that says the tool failed is read as failed, in OpenClaw's shape and in plain
// tool servers' shapes; results that say nothing of the kind (including OpenClaw's real "pending"
// client-tool result from a captured request) are not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toolFailure, withToolResults } from '../../../electron/core/sessions/tool-outcome.ts';
import { sampleBody } from '../../helpers/samples.ts';

// OpenClaw's tool message: {tool: {id, name, source}, result: {content: [{type, text}], details}}
const openclaw = (details: Record<string, unknown>, text = JSON.stringify(details)) =>
  JSON.stringify({
    tool: { id: 'client:client:get_weather', name: 'get_weather', source: 'client' },
    result: { content: [{ type: 'text', text }], details },
  });

test('failed results, each shape', () => {
  const cases: Array<[string, RegExp]> = [
    [openclaw({ status: 'error', tool: 'tool_call', error: 'Unknown tool id: get_weather.' }), /^Unknown tool id/],
    [openclaw({ status: 'failed' }, 'it broke'), /^it broke$/],
    [openclaw({ ok: false, message: 'permission denied' }), /^permission denied$/],
    [openclaw({ timedOut: true }, ''), /timed out/],
    [openclaw({ status: 'running', exitCode: 2 }, 'grep: no such file'), /^exit code 2: grep: no such file$/],
    // details say nothing, the result's text is a JSON report that does
    [openclaw({}, JSON.stringify({ status: 'denied', message: 'approval required' })), /^approval required$/],
    [JSON.stringify({ status: 'error', error: 'not run: the direct runtime executes no tools' }), /^not run/],
    [JSON.stringify({ error: { message: 'rate limited', code: 429 } }), /^rate limited$/],
    [JSON.stringify({ isError: true, content: [{ type: 'text', text: 'ENOENT' }] }), /^ENOENT$/],
    ['Error: city is required', /^Error: city is required$/],
    ['Unknown tool: get_weather', /^Unknown tool/],
  ];
  for (const [content, expected] of cases) assert.match(toolFailure(content) ?? 'null', expected, content);
  assert.ok(toolFailure(JSON.stringify({ error: 'x'.repeat(5000) }))!.length <= 501, 'a long error is clipped');
});

test('results that did not fail', () => {
  const body = sampleBody('double-feed-stable-key') as { messages: Array<{ role: string; content: string }> };
  const pending = body.messages.find((m) => m.role === 'tool')!.content; // captured from OpenClaw
  const ok = [
    pending,
    JSON.stringify({ temp_c: 21, sky: 'sunny' }),
    openclaw({ status: 'completed', exitCode: 0 }, 'done'),
    openclaw({ status: 'error', ok: true }, 'an error status an explicit ok overrides'),
    JSON.stringify({ error: null, result: 'fine' }),
    'The weather is sunny; no error here.',
    'not JSON at all',
  ];
  for (const content of ok) assert.equal(toolFailure(content), null, content);
});

test('each call gets the result fed back for it; a result seen earlier is kept', () => {
  const calls = [
    { index: 0, id: 'c1', name: 'get_weather', arguments: '{}' },
    { index: 1, id: 'c2', name: 'tool_search', arguments: '{}' },
  ];
  const first = withToolResults(calls, [[{ role: 'tool', tool_call_id: 'c1', content: 'Error: no city' }]]);
  assert.deepEqual(
    first.map((c) => [c.result, c.error]),
    [
      ['Error: no city', 'Error: no city'],
      [null, null],
    ],
  );
  const later = withToolResults(first, [[{ role: 'tool', tool_call_id: 'c2', content: '{"hits":3}' }]]);
  assert.deepEqual(
    later.map((c) => [c.result, c.error]),
    [
      ['Error: no city', 'Error: no city'],
      ['{"hits":3}', null],
    ],
  );
});

test("a result is found under the agent's own id for the call (OpenClaw re-ids replayed tool calls)", () => {
  const body = sampleBody('double-feed-stable-key') as { messages: Array<{ role: string; content: string }> };
  // the model answered with its own id; OpenClaw replays the call as "callmock23", args re-serialized
  const ours = [
    { index: 0, id: 'call_mock_23', name: 'tool_call', arguments: '{"id": "get_weather", "args": {"city": "Paris"}}' },
  ];
  const [call] = withToolResults(ours, [body.messages as never]);
  assert.match(call!.result ?? '', /Tool execution delegated to client/);
  assert.equal(call!.error, null);
  // a call of another name or other arguments is not taken for it
  const other = [{ ...ours[0]!, arguments: '{"id":"get_weather","args":{"city":"Oslo"}}' }];
  assert.equal(withToolResults(other, [body.messages as never])[0]!.result, null);
});
