import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Forwarder } from '../../../electron/core/openai/forward.ts';
import { streamChat } from '../../../electron/core/openai/stream-chat.ts';

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
