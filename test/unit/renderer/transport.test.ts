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
        : { ok: false, error: { status: 400, type: 'invalid_request_error', message: 'bad' } },
    onEvents: (l) => {
      push = l;
      return () => {};
    },
    saveExport: async () => ({ ok: true, result: null }),
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

test("the printed URL trades its token for a cookie; the cookie works only from the page's own origin", async () => {
  const login = await fetch(`${server.url}/?token=tok`, { redirect: 'manual' });
  assert.equal(login.status, 302);
  assert.equal(login.headers.get('location'), '/', 'sent on without the token');
  const cookie = login.headers.get('set-cookie')!;
  assert.match(cookie, /^trajscope-ui-\d+=tok; HttpOnly; SameSite=Strict; Path=\/$/);
  const pair = cookie.split(';')[0]!;
  const invoke = (headers: Record<string, string>) =>
    fetch(`${server.url}/api/invoke/sessions:list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: pair, ...headers },
      body: '{}',
    });
  assert.equal((await invoke({ origin: server.url })).status, 200);
  // another page on this host (another port) would carry the cookie too: refused
  assert.equal((await invoke({ origin: 'http://127.0.0.1:1' })).status, 401);
  assert.equal((await invoke({})).status, 401, 'no Origin: not a page of ours');
  const stale = await invoke({ origin: server.url, cookie: pair.replace('=tok', '=old') });
  assert.equal(stale.status, 401);
  assert.match((await stale.json()).error.message, /engine run that has stopped/);
  const state = async (headers: Record<string, string>) =>
    ((await (await fetch(`${server.url}/api/auth`, { headers })).json()) as { state: string }).state;
  assert.equal(await state({ cookie: pair }), 'ok');
  assert.equal(await state({ cookie: pair.replace('=tok', '=old') }), 'other_run');
  assert.equal(await state({}), 'none');
  assert.equal((await fetch(`${server.url}/?token=wrong`, { redirect: 'manual' })).status, 200, 'no trade');
});
