import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Disposables } from '../../../electron/core/disposables.ts';

test('stops run newest first, one at a time; one that throws is reported and the rest still run', async () => {
  const ran: string[] = [];
  const errors: string[] = [];
  const parts = new Disposables((err) => errors.push(err.message));
  parts.add(() => ran.push('store'));
  parts.add(
    async () => {
      await new Promise((r) => setTimeout(r, 10));
      ran.push('server');
    },
    () => {
      throw new Error('worker would not stop');
    },
  );
  parts.add(() => ran.push('gateway'));
  const first = parts.dispose();
  assert.equal(parts.dispose(), first, 'a second dispose waits for the first');
  await first;
  assert.deepEqual(ran, ['gateway', 'server', 'store']);
  assert.deepEqual(errors, ['worker would not stop']);
  assert.equal(parts.disposed, true);
});

test('a part that starts after dispose began is stopped at once', async () => {
  const ran: string[] = [];
  const parts = new Disposables(() => {});
  await parts.dispose();
  parts.add(() => ran.push('late'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ['late']);
});
