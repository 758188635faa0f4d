// A request's composition: system prompt, tools, history, the new message, each in its bytes and in
// order, parts an alert names as its own kind with the alert's name, and neighbours of one kind
// merged; OpenClaw's flattened transcript (a real captured request) is runtime context.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildComposition } from '../../../renderer/src/features/turns/composition-data.ts';
import { sampleBody } from '../../helpers/samples.ts';

test('a double-fed request: the repeated messages are the alert part, named, before the new message', () => {
  const body = {
    messages: [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'My secret is 4711.' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'My secret is 4711.' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'What is my secret?' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }],
  };
  let seen = 0;
  // the alert names the second copy of each message (as double feed's evidence would)
  const namesOf = (text: string) =>
    (text === 'My secret is 4711.' || text === 'Noted.') && seen++ >= 2 ? ['double feed'] : [];
  const parts = buildComposition(body, namesOf);
  assert.deepEqual(
    parts.map((p) => [p.kind, p.label, p.bytes]),
    [
      ['system', 'system prompt', 16],
      ['tools', '1 tool schemas', JSON.stringify(body.tools).length],
      ['history', 'user (history)', 18],
      ['history', 'assistant (history)', 6],
      ['alert', 'user: double feed', 18],
      ['alert', 'assistant: double feed', 6],
      ['new message', 'user (new message)', 18],
    ],
  );
  parts.forEach((p, i) => assert.equal(p.x1, i === 0 ? 0 : parts[i - 1]!.x2, 'contiguous'));
});

test("OpenClaw's flattened transcript is the runtime's own context, not history", () => {
  const parts = buildComposition(sampleBody('lean-config-flattened-history'), () => []);
  const kinds = new Set(parts.map((p) => p.kind));
  assert.ok(kinds.has('runtime context'), [...kinds].join(', '));
  assert.ok(kinds.has('new message'));
  assert.equal(buildComposition(null, () => []).length, 0, 'no request, no bar');
});
