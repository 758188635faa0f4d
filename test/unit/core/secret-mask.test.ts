import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretMask } from '../../../electron/core/secret-mask.ts';

test('secret mask: every occurrence, in text and in JSON; short keys left alone; the longer key first', () => {
  const mask = new SecretMask([
    { name: 'upstreamKey', value: 'sk-abcdefgh' },
    { name: 'adminKey', value: 'sk-abcdefgh-admin' },
    { name: 'short', value: 'EMPTY' },
    { name: 'quoted', value: 'pa"ss\\word!' },
  ]);
  assert.equal(mask.text('a sk-abcdefgh b sk-abcdefgh'), 'a [redacted upstreamKey] b [redacted upstreamKey]');
  assert.equal(mask.text('sk-abcdefgh-admin'), '[redacted adminKey]');
  assert.equal(mask.text('EMPTY stays'), 'EMPTY stays');
  const v = { deep: [{ s: 'key pa"ss\\word! here' }], n: 1 };
  assert.deepEqual(mask.value(v), { deep: [{ s: 'key [redacted quoted] here' }], n: 1 });
  const untouched = { a: 'nothing secret' };
  assert.equal(mask.value(untouched), untouched, 'no copy when nothing is masked');
  assert.ok(new SecretMask([{ name: 'x', value: 'short' }]).empty);
});
