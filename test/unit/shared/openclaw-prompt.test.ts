import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrompt, parseUserText, summarizeSeen, withoutGatewayPaths } from '../../../shared/openclaw/prompt.ts';
import { sampleBody } from '../../helpers/samples.ts';

test('flattened history: the current message is found and prior messages counted', () => {
  const parsed = parsePrompt(sampleBody('lean-config-flattened-history').messages);
  assert.equal(parsed.current?.text, 'What is my name?');
  assert.deepEqual(
    parsed.logical.filter((m) => m.origin === 'flattened').map((m) => [m.role, m.text]),
    [
      ['user', 'My name is Alice.'],
      ['assistant', 'Nice to meet you, Alice.'],
    ],
  );
  assert.equal(parsed.runtimeLines.length, 1);
  assert.ok(parsed.system.includes('You are a personal assistant running inside OpenClaw.'));
  assert.deepEqual(summarizeSeen(parsed), { priorUserMessages: 1, repeatedMessages: 0 });
});

test('stable-key follow-up: stored transcript messages count as prior, the newest message is current', () => {
  const parsed = parsePrompt(sampleBody('lean-config-stable-key-followup').messages);
  assert.equal(parsed.current?.text, 'Follow-up only.');
  assert.deepEqual(summarizeSeen(parsed), { priorUserMessages: 2, repeatedMessages: 0 });
});

test('double feed: the history that arrives twice is reported as repeated', () => {
  const parsed = parsePrompt(sampleBody('double-feed-stable-key').messages);
  assert.equal(parsed.current?.role, 'tool');
  assert.match(parsed.current!.text, /temp_c/);
  const seen = summarizeSeen(parsed);
  assert.equal(seen.repeatedMessages, 1);
  assert.equal(seen.priorUserMessages, 2);
});

test('the trailing internal-context message is never taken as the current message', () => {
  const body = sampleBody('host-exec-tool-step');
  const last = body.messages[body.messages.length - 1]!;
  assert.equal(last.role, 'user');
  const parsed = parsePrompt(body.messages);
  assert.equal(parsed.current?.text, 'run something');
  assert.deepEqual(parsed.toolResultsSinceCurrent, ['hello-from-exec\nroot']);
});

test('a plain message without OpenClaw framing is its own current message', () => {
  assert.deepEqual(parseUserText('  just text \n'), { context: [], current: { role: 'user', text: 'just text' } });
  const multi = parseUserText(
    '[Chat messages since your last reply - for context]\nUser: line one\nline two\nAssistant: ok\n\n' +
      '[Current message - respond to this]\nUser: next',
  );
  assert.deepEqual(multi.context, [
    { role: 'user', text: 'line one\nline two' },
    { role: 'assistant', text: 'ok' },
  ]);
  assert.equal(multi.current.text, 'next');
});

test("a gateway's own dir is a host detail: replaced wherever the data dir is, nothing else touched", () => {
  const a = 'Working directory: /tmp/d1/gateways/gw-mxc91sz8-387375/state/workspace\n## /home/u/AGENTS.md';
  const b = 'Working directory: /data/lab/2b9f9d1e/gateways/gw-mxc92ez4-7b62c2/state/workspace\n## /home/u/AGENTS.md';
  assert.notEqual(a, b);
  assert.equal(withoutGatewayPaths(a), withoutGatewayPaths(b));
  assert.equal(withoutGatewayPaths(a), 'Working directory: <gateway>/state/workspace\n## /home/u/AGENTS.md');
  assert.notEqual(withoutGatewayPaths(a), withoutGatewayPaths(b.replace('AGENTS', 'SOUL')), 'content still counts');
});
