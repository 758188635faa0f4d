// A fork's request from the editor keeps the recorded one's key order, its unshown fields and its
// unedited values: on a real OpenClaw request, a one-word edit is one changed line of the pretty
// JSON (it was ≈ 10 KB removed and added when the editor rebuilt the request in its own order).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffLines } from 'diff';
import { fromEdit, toEdit, type Req } from '../../../renderer/src/features/forks/edit.ts';
import { sampleBody } from '../../helpers/samples.ts';

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

function editorOf(base: Req) {
  const { messages, tools, ...params } = base;
  return {
    msgs: (messages ?? []).map((m) => toEdit(m as Record<string, unknown>)),
    tools: tools ? pretty(tools) : '',
    params: pretty(params),
  };
}

test('unedited, the request comes back byte for byte as pretty JSON (key order and every field)', () => {
  const base = sampleBody('double-feed-stable-key') as unknown as Req;
  const e = editorOf(base);
  assert.equal(pretty(fromEdit(e.msgs, e.tools, e.params, base)), pretty(base));
});

test('a one-word edit of a real OpenClaw request is one changed line', () => {
  const base = sampleBody('double-feed-stable-key') as unknown as Req;
  const e = editorOf(base);
  const last = e.msgs.length - 1;
  const edited = e.msgs.map((m, i) => (i === last ? { ...m, content: `${m.content} Oslo` } : m));
  const changes = diffLines(pretty(base), pretty(fromEdit(edited, e.tools, e.params, base))).filter(
    (c) => c.added || c.removed,
  );
  assert.deepEqual(
    changes.map((c) => [c.added ? '+' : '-', c.count]),
    [
      ['-', 1],
      ['+', 1],
    ],
  );
  assert.match(changes[1]!.value, /Oslo/);
});

test('content parts, unshown fields and tool calls stay; removed parameters go; added messages come last', () => {
  const base: Req = {
    model: 'm',
    messages: [
      { role: 'user', name: 'ada', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'hmm',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a": 1}' } }],
      },
    ],
    temperature: 0.2,
    stream: true,
  };
  const e = editorOf(base);
  const params = pretty({ model: 'm', stream: true });
  const added = [...e.msgs, { role: 'user', content: 'more', toolCalls: '', toolCallId: '', orig: null }];
  const out = fromEdit(added, e.tools, params, base);
  assert.deepEqual(Object.keys(out), ['model', 'messages', 'stream']);
  assert.deepEqual((out.messages as unknown[])[0], base.messages![0]);
  assert.deepEqual((out.messages as unknown[])[1], base.messages![1]);
  assert.deepEqual((out.messages as unknown[])[2], { role: 'user', content: 'more' });
  assert.throws(
    () => fromEdit([{ ...e.msgs[1]!, toolCalls: '{oops' }], '', params, base),
    /tool calls of message 1 is not valid JSON/,
  );
});
