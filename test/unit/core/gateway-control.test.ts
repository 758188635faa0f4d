// The gateway control channel's side of OpenClaw's protocol, against a stand-in server (the real
// gateway answers it in test/integration/openclaw.test.ts and shared-gateways.test.ts): the connect
// frame it sends, answers matched to calls, refusals and silence turned into errors, a dropped
// socket failing what was in flight, and a reconnect on the next call.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayControl } from '../../../electron/core/gateways/control.ts';

interface Frame {
  type: string;
  id: string;
  method: string;
  params: Record<string, unknown>;
}

/** A stand-in gateway: `answer` decides each call's reply (undefined: no reply). */
async function server(answer: (f: Frame, sock: WebSocket) => object | undefined) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const frames: Frame[] = [];
  let connections = 0;
  wss.on('connection', (sock) => {
    connections++;
    sock.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } }));
    sock.on('message', (d) => {
      const f = JSON.parse(String(d)) as Frame;
      frames.push(f);
      const reply = answer(f, sock);
      if (reply) sock.send(JSON.stringify({ type: 'res', id: f.id, ...reply }));
    });
  });
  return {
    port: (wss.address() as AddressInfo).port,
    frames,
    connections: () => connections,
    close: () => new Promise((r) => wss.close(r)),
  };
}

const servers: Array<{ close: () => Promise<unknown> }> = [];
after(() => Promise.all(servers.map((s) => s.close())));

test('connects as a trusted local backend with the token, then answers each call with its own payload', async () => {
  const s = await server((f) => ({
    ok: true,
    payload: f.method === 'connect' ? { type: 'hello-ok' } : { ok: true, n: f.id },
  }));
  servers.push(s);
  const c = new GatewayControl(s.port, 'tok-123');
  const [a, b] = await Promise.all([c.call('secrets.reload'), c.call('secrets.reload')]);
  assert.notDeepEqual(a, b, 'each call gets its own answer');
  const connect = s.frames.find((f) => f.method === 'connect')!;
  assert.deepEqual(connect.params.client, {
    id: 'gateway-client',
    version: '1.0.0',
    platform: process.platform,
    mode: 'backend',
  });
  assert.deepEqual(connect.params.auth, { token: 'tok-123' });
  assert.deepEqual(connect.params.scopes, ['operator.admin']);
  assert.equal(s.connections(), 1, 'one socket for both calls');
  c.close();
});

test('a refused connect or call is an error naming the reason; silence is an error after the deadline', async () => {
  const s = await server((f) =>
    f.method === 'connect'
      ? { ok: true, payload: {} }
      : f.method === 'secrets.reload'
        ? { ok: false, error: { message: 'secrets.reload failed' } }
        : undefined,
  );
  servers.push(s);
  const c = new GatewayControl(s.port, 't');
  await assert.rejects(c.call('secrets.reload'), /secrets\.reload failed/);
  await assert.rejects(c.call('never.answered', {}, 200), /never\.answered got no answer within 0\.2 s/);
  c.close();
  const refused = await server(() => ({ ok: false, error: { message: 'unauthorized: gateway token mismatch' } }));
  servers.push(refused);
  const bad = new GatewayControl(refused.port, 'wrong');
  await assert.rejects(bad.call('secrets.reload'), /gateway control channel: unauthorized: gateway token mismatch/);
  bad.close();
});

test('a dropped socket fails the calls in flight, and the next call connects again', async () => {
  let drop = true;
  const s = await server((f, sock) => {
    if (f.method === 'connect') return { ok: true, payload: {} };
    if (drop) {
      drop = false;
      sock.terminate();
      return undefined;
    }
    return { ok: true, payload: { ok: true } };
  });
  servers.push(s);
  const c = new GatewayControl(s.port, 't');
  await assert.rejects(c.call('secrets.reload'), /closed its control channel/);
  assert.deepEqual(await c.call('secrets.reload'), { ok: true });
  assert.equal(s.connections(), 2);
  c.close();
  await assert.rejects(c.call('secrets.reload'), /closed/);
});

test('nothing listening: a clear error', async () => {
  const s = await server(() => undefined);
  const port = s.port;
  await s.close();
  const c = new GatewayControl(port, 't');
  await assert.rejects(
    c.call('secrets.reload', {}, 2000),
    /gateway control channel: cannot open ws:\/\/127\.0\.0\.1:\d+/,
  );
  c.close();
});
