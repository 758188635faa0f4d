// Electron main and preload logic with fakes for ipcMain / ipcRenderer: the Electron binary
// cannot run here, so this is the edge that is mocked (the wiring itself is three lines).
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createApiHandlers } from '../../../electron/core/api/handlers.ts';
import { EngineEvents } from '../../../electron/core/events.ts';
import { forwardEvents, INVOKE, isTrustedSender, registerIpc, type SenderInfo } from '../../../electron/main/ipc.ts';
import { createBridge } from '../../../electron/preload/bridge.ts';
import { secureWebPreferences } from '../../../electron/main/security.ts';
import { INVOKE_CHANNELS } from '../../../shared/api.ts';
import { startBench, until, type TestBench } from '../../helpers/workbench.ts';

let b: TestBench;
before(async () => (b = await startBench()));
after(() => b.stop());

const frame = (url: string, parent: unknown = null, id = 7): SenderInfo => ({
  senderFrame: { url, parent },
  sender: { id },
});

test('only our own top-level file:// page is a trusted sender', () => {
  assert.equal(isTrustedSender(frame('file:///app/out/renderer/index.html'), 7, ['file://']), true);
  assert.equal(isTrustedSender(frame('https://evil.example/'), 7, ['file://']), false);
  assert.equal(isTrustedSender(frame('file:///x', { parent: true }), 7, ['file://']), false, 'a subframe');
  assert.equal(isTrustedSender(frame('file:///x', null, 8), 7, ['file://']), false, 'another webContents');
  assert.equal(isTrustedSender({ senderFrame: null, sender: { id: 7 } }, 7, ['file://']), false);
});

test('main validates sender, channel and payload before the engine sees anything', async () => {
  let handler: ((e: SenderInfo, ...a: unknown[]) => Promise<unknown>) | null = null;
  const ipcMain = {
    handle: (ch: string, h: typeof handler) => {
      assert.equal(ch, INVOKE);
      handler = h;
    },
    removeHandler: () => {
      handler = null;
    },
  };
  const logged: string[] = [];
  const handlers = {
    ...createApiHandlers(b.wb),
    'app:info': () => {
      throw new Error('disk on fire');
    },
  };
  const stop = registerIpc(
    ipcMain,
    handlers,
    (e) => isTrustedSender(e, 7, ['file://']),
    (m) => logged.push(m),
    () => b.wb.store.durable(),
  );
  const ok = frame('file:///app/index.html');
  assert.deepEqual(await handler!(frame('https://evil/'), 'sessions:list', {}), {
    ok: false,
    error: { status: 403, type: 'forbidden', message: 'untrusted sender' },
  });
  assert.equal(((await handler!(ok, 'fs:read', {})) as { error: { status: number } }).error.status, 404);
  const bad = (await handler!(ok, 'turns:send', { sessionKey: 'bad\u0007key', message: 'x' })) as {
    ok: boolean;
    error: { status: number; message: string };
  };
  assert.equal(bad.error.status, 400);
  assert.match(bad.error.message, /sessionKey/);
  assert.equal(b.wb.store.sessions.count(), 0, 'nothing reached the engine');
  const good = (await handler!(ok, 'turns:send', { sessionKey: 'ipc', message: 'hello' })) as {
    ok: boolean;
    result: { status: string };
  };
  assert.equal(good.ok, true);
  assert.equal(good.result.status, 'ok');
  // an unexpected failure is logged in full on the main side and reaches the UI as a plain 500
  const broken = (await handler!(ok, 'app:info', {})) as { ok: boolean; error: { status: number; message: string } };
  assert.deepEqual(broken, {
    ok: false,
    error: { status: 500, type: 'server_error', message: 'internal error in app:info' },
  });
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /app:info failed: Error: disk on fire\n\s+at /);
  stop();
  assert.equal(handler, null);
});

test('events cross IPC in batches', async () => {
  const events = new EngineEvents();
  const sent: unknown[] = [];
  const stop = forwardEvents(events, (batches) => sent.push(batches));
  for (let i = 0; i < 100; i++)
    events.emit('logs:chunk', { gatewayId: 'g', sessionKey: 's', stream: 'stdout', at: i, text: `${i}\n` });
  assert.equal(sent.length, 0, 'nothing goes out before the batch window closes');
  await until('the batch to go out', () => sent.length > 0, 1000, 5);
  assert.equal(sent.length, 1, '100 chunks, one message');
  assert.equal((sent[0] as Array<{ payloads: unknown[] }>)[0]!.payloads.length, 100);
  stop();
});

test('a burst of log text is cut into frames of about 256 KB', () => {
  const events = new EngineEvents();
  const sizes: number[] = [];
  const stop = forwardEvents(events, (batches) =>
    sizes.push(batches.flatMap((b) => b.payloads as Array<{ text: string }>).reduce((n, p) => n + p.text.length, 0)),
  );
  const line = 'x'.repeat(1023) + '\n';
  for (let i = 0; i < 1000; i++)
    events.emit('logs:chunk', { gatewayId: 'g', sessionKey: 's', stream: 'stdout', at: i, text: line });
  stop();
  assert.equal(sizes.length, 3, 'three full frames went out at once; the rest waits for the timer');
  assert.ok(sizes.every((n) => n > 256 * 1024 && n <= 256 * 1024 + 1024));
});

test('the preload exposes exactly the declared channels', async () => {
  const calls: unknown[][] = [];
  const ipc = {
    invoke: async (...a: unknown[]) => {
      calls.push(a);
      return { ok: true, result: 1 };
    },
    on: () => {},
    removeListener: () => {},
  };
  const bridge = createBridge(ipc);
  for (const ch of INVOKE_CHANNELS) await bridge.invoke(ch, {});
  assert.equal(calls.length, INVOKE_CHANNELS.length);
  assert.deepEqual(calls[0], ['trajscope:invoke', INVOKE_CHANNELS[0], {}]);
  const refused = await bridge.invoke('shell:exec', { cmd: 'rm -rf /' });
  assert.deepEqual(refused, {
    ok: false,
    error: { status: 404, type: 'not_found', message: 'unknown channel shell:exec' },
  });
  assert.equal(calls.length, INVOKE_CHANNELS.length, 'a refused channel never reaches IPC');
  assert.deepEqual(Object.keys(bridge), ['invoke', 'saveExport', 'onNavigate', 'onEvents']);
  // an export goes to its own channel, its choices cloned (main checks them; it picks the path)
  await bridge.saveExport({ unlabeled: 'skip' });
  assert.deepEqual(calls.at(-1), ['trajscope:save-export', { unlabeled: 'skip' }]);
});

test('a deep link reaches the page only as a view address', () => {
  let deliver: (e: unknown, view: unknown) => void = () => {};
  const bridge = createBridge({
    invoke: async () => undefined,
    on: (_ch, fn) => void (deliver = fn),
    removeListener: () => {},
  });
  const views: string[] = [];
  bridge.onNavigate((v) => views.push(v));
  deliver({}, '#/session/a');
  deliver({}, 'javascript:alert(1)');
  deliver({}, { hash: '#/x' });
  assert.deepEqual(views, ['#/session/a']);
});

test('window preferences keep the sandbox on', () => {
  const p = secureWebPreferences('/p.cjs')!;
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.webSecurity, true);
});

test(
  'the built preload is one CommonJS file that needs nothing but electron (sandbox rule)',
  { skip: existsSync('out/preload/index.cjs') ? false : 'run `npm run build` first' },
  () => {
    const code = readFileSync('out/preload/index.cjs', 'utf8');
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ['electron']);
  },
);
