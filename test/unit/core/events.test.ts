// A listener that throws is reported, and neither the emitter nor the other listeners notice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineEvents } from '../../../electron/core/events.ts';

test('a throwing listener is isolated: the emit returns, the others hear it, a warning says so', async () => {
  const events = new EngineEvents();
  const heard: string[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    events.on('notices:raised', () => {
      throw new Error('view bug');
    });
    const off = events.on('notices:raised', (n) => heard.push(n.message));
    assert.doesNotThrow(() => events.emit('notices:raised', { level: 'warning', message: 'hello', at: 1 }));
    assert.deepEqual(heard, ['hello']);
    off();
    events.emit('notices:raised', { level: 'warning', message: 'again', at: 2 });
    assert.deepEqual(heard, ['hello'], 'unsubscribed');
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    assert.equal(warnings.filter((w) => /a notices:raised listener failed: Error: view bug/.test(w)).length, 2);
  } finally {
    process.off('warning', onWarning);
  }
});
