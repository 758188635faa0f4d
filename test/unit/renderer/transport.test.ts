// The browser transport against the real headless API server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiServer } from '../../../electron/headless/api-server.ts';
import { HttpTransport, ApiError } from '../../../renderer/src/api/http.ts';
import { IpcTransport } from '../../../renderer/src/api/ipc.ts';
import { startBench, type TestBench } from '../../helpers/workbench.ts';
import type { EventBatch } from '../../../shared/api.ts';

let b: TestBench;
let server: ApiServer;
before(async () => {
  b = await startBench();
  server = new ApiServer(b.wb, 'tok', null);
  await server.start('127.0.0.1', 0);
});
after(async () => {
  await server.stop();
  await b.stop();
});

test('HttpTransport invokes channels and receives events; errors carry status and message', async () => {
  const t = new HttpTransport({ base: server.url, token: 'tok' });
  const seen: string[] = [];
  const got = new Promise<void>((resolve) =>
    t.on('turns:changed', (turn) => {
      seen.push(turn.status);
      if (turn.status === 'ok') resolve();
    }),
  );
  await new Promise<void>((r) => t.onConnected(r));
  const turn = await t.invoke('turns:send', { sessionKey: 'tr', message: 'hi' });
  assert.equal(turn.status, 'ok');
  await got;
  assert.deepEqual(seen, ['running', 'ok']);
  await assert.rejects(
    t.invoke('turns:get', { turnId: 'nope' }),
    (e: ApiError) => e instanceof ApiError && e.status === 404 && /unknown turn/.test(e.message),
  );
  const bad = new HttpTransport({ base: server.url, token: 'wrong' });
  await assert.rejects(bad.invoke('sessions:list', {}), (e: ApiError) => e.status === 401);
  t.close();
  bad.close();
});

test('IpcTransport maps bridge results and dispatches event batches', async () => {
  let push: (b: EventBatch[]) => void = () => {};
  const t = new IpcTransport({
    invoke: async (ch) =>
      ch === 'sessions:list'
        ? { ok: true, result: [] }
        : { ok: false, error: { status: 400, type: 'invalid', message: 'bad' } },
    onEvents: (l) => {
      push = l;
      return () => {};
    },
  });
  assert.deepEqual(await t.invoke('sessions:list', {}), []);
  await assert.rejects(t.invoke('app:info', {}), /bad/);
  const keys: string[] = [];
  t.on('sessions:changed', (s) => keys.push(s.key));
  push([
    { channel: 'sessions:changed', payloads: [{ key: 'x' }, { key: 'y' }] },
    { channel: 'turns:changed', payloads: [{}] },
  ]);
  assert.deepEqual(keys, ['x', 'y']);
});
