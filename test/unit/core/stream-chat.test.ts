import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import { DEFAULT_TIMEOUTS, Forwarder } from '../../../electron/core/model-client/forward.ts';
import { streamChat } from '../../../electron/core/model-client/stream-chat.ts';

/** An endpoint that refuses `refusals` requests with 503 (as a restarting OpenClaw gateway does), then streams. */
async function flaky(refusals: number): Promise<{ url: string; seen: () => number; server: Server }> {
  let seen = 0;
  const server = createServer((req, res) => {
    req.resume();
    seen++;
    if (seen <= refusals) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { message: 'Gateway is temporarily unavailable while restarting' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"choices":[{"index":0,"delta":{"content":"hello"},"finish_reason":null}]}\n\n');
    res.write('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n');
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen: () => seen, server };
}

const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };

test('a 503 "temporarily unavailable" is asked again after Retry-After, within the time allowed', async () => {
  const ep = await flaky(1);
  const forwarder = new Forwarder();
  try {
    const target = { baseUrl: ep.url, apiKey: 't', model: 'm' };
    const deltas: string[] = [];
    const sink = { delta: (t: string) => deltas.push(t) };
    const acc = await streamChat(forwarder, target, body, sink, { what: 'gateway g', retryUnavailableMs: 10_000 });
    assert.equal(acc.text, 'hello');
    assert.equal(ep.seen(), 2, 'refused once, then answered');
  } finally {
    await forwarder.close();
    ep.server.close();
  }
});

test('without a retry window, or past it, the 503 is the answer', async () => {
  const ep = await flaky(100);
  const forwarder = new Forwarder();
  try {
    const target = { baseUrl: ep.url, apiKey: 't', model: 'm' };
    const sink = { delta: () => {} };
    await assert.rejects(streamChat(forwarder, target, body, sink, { what: 'gateway g' }), /gateway g answered 503/);
    assert.equal(ep.seen(), 1, 'not asked again');
    const t0 = Date.now();
    await assert.rejects(
      streamChat(forwarder, target, body, sink, { what: 'gateway g', retryUnavailableMs: 1500 }),
      /answered 503: Gateway is temporarily unavailable/,
    );
    assert.ok(Date.now() - t0 < 4000, 'gives up once the window has passed');
    assert.ok(ep.seen() >= 3, 'asked again within the window');
  } finally {
    await forwarder.close();
    ep.server.close();
  }
});

test('an idle socket is let go before the server closes it, though its stream gave no keep-alive hint', async () => {
  // as OpenClaw answers a streamed turn: Connection: keep-alive, no Keep-Alive: timeout=…
  const sockets: Socket[] = [];
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.end('data: [DONE]\n\n');
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 't', model: 'm' };
  const forwarder = new Forwarder(DEFAULT_TIMEOUTS, { idleSocketMs: 200 });
  try {
    const first = await forwarder.request(target, 'POST', '/chat/completions', Buffer.from('{}'));
    assert.equal(first.headers['keep-alive'], undefined, 'no hint from the server');
    await first.body.text();
    const idleSince = Date.now();
    await new Promise((r) => sockets[0]!.once('close', r));
    const idle = Date.now() - idleSince;
    assert.ok(idle < 5000, `the client let the socket go first (after ${idle} ms), not the server at 5 s`);
    const second = await forwarder.request(target, 'POST', '/chat/completions', Buffer.from('{}'));
    await second.body.text();
    assert.equal(second.statusCode, 200);
    assert.equal(sockets.length, 2, 'a new socket for the next request');
  } finally {
    await forwarder.close();
    server.close();
  }
});
