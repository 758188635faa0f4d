import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UpstreamCallDetail } from '../../../shared/domain.ts';
import { retryOrphans } from '../../../electron/core/export/orphans.ts';

const call = (id: string, messages: unknown[], reply: string) =>
  ({ id, requestBody: JSON.stringify({ messages }), response: { text: reply } }) as unknown as UpstreamCallDetail;
const u = (content: string) => ({ role: 'user', content });
const a = (content: string) => ({ role: 'assistant', content });

test('a retried request: the copy the agent continued from stays, the other is an orphan', () => {
  const first = call('c1', [u('hi')], 'answer one');
  const retry = call('c2', [u('hi')], 'answer two');
  const next = call('c3', [u('hi'), a('answer two'), u('more')], 'ok');
  assert.deepEqual([...retryOrphans([first, retry, next])], ['c1']);
  // the agent went on from the first answer: the retry is the orphan
  const went = call('c3', [u('hi'), a('answer one'), u('more')], 'ok');
  assert.deepEqual([...retryOrphans([first, retry, went])], ['c2']);
});

test('no later call to decide by: the newest copy stays; calls that differ are never orphans', () => {
  const first = call('c1', [u('hi')], 'x');
  const retry = call('c2', [u('hi')], 'y');
  assert.deepEqual([...retryOrphans([first, retry])], ['c1']);
  assert.deepEqual([...retryOrphans([call('a', [u('one')], 'x'), call('b', [u('two')], 'y')])], []);
});

test('copies with the same reply: the newest one before the continuation stays', () => {
  const first = call('c1', [u('hi')], 'same');
  const retry = call('c2', [u('hi')], 'same');
  const next = call('c3', [u('hi'), a('same'), u('more')], 'ok');
  assert.deepEqual([...retryOrphans([first, retry, next])], ['c1']);
});
