import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { HttpError } from '../../../electron/core/http/errors.ts';
import { exchange, type LocalRequest } from '../../../electron/core/http/local.ts';
import { Forwarder } from '../../../electron/core/model-client/forward.ts';

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

test('an in-process answer arrives as its head, then its chunks in order', async () => {
  let release!: () => void;
  const later = new Promise<void>((r) => (release = r));
  const answer = await exchange({}, async (sink) => {
    sink.writeHead(200, { 'Content-Type': 'text/event-stream' });
    sink.write('data: one\n\n');
    await later;
    sink.write(Buffer.from('data: two\n\n'));
    sink.end('data: [DONE]\n\n');
  });
  assert.equal(answer.statusCode, 200);
  assert.equal(answer.headers['content-type'], 'text/event-stream', 'header names are lower-cased');
  const it = answer.body[Symbol.asyncIterator]();
  assert.equal(String((await it.next()).value), 'data: one\n\n', 'a chunk is readable before the answer ends');
  release();
  const rest: string[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(String(r.value));
  assert.deepEqual(rest, ['data: two\n\n', 'data: [DONE]\n\n']);
});

test('a failure before the head is the JSON error the HTTP route would send; after it, a broken body', async () => {
  const refused = await exchange({}, () => {
    throw new HttpError(401, 'unknown upstream key');
  });
  assert.equal(refused.statusCode, 401);
  assert.deepEqual(JSON.parse(await refused.body.text()), {
    error: { message: 'unknown upstream key', type: 'authentication_error' },
  });
  const broken = await exchange({}, async (sink) => {
    sink.writeHead(200, {});
    sink.write('partial');
    await Promise.resolve();
    throw new Error('upstream reset');
  });
  await assert.rejects(broken.body.text(), /upstream reset/);
});

test("the caller's abort reaches the server side: before the head it rejects, after it the body breaks", async () => {
  const early = new AbortController();
  let sawGone = false;
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const pending = exchange({ signal: early.signal }, async (_sink, gone) => {
    started();
    await new Promise((r) => gone.addEventListener('abort', r));
    sawGone = true;
  });
  await running;
  early.abort(new Error('the turn was cancelled'));
  await assert.rejects(pending, /the turn was cancelled/);
  await new Promise((r) => setImmediate(r));
  assert.ok(sawGone, 'the handler learnt the caller left');

  const late = new AbortController();
  let destroyedSeen = false;
  const answer = await exchange({ signal: late.signal }, async (sink, gone) => {
    sink.writeHead(200, {});
    await new Promise((r) => gone.addEventListener('abort', r));
    destroyedSeen = sink.destroyed;
  });
  late.abort(new Error('closed'));
  await assert.rejects(answer.body.text(), /closed/);
  await new Promise((r) => setImmediate(r));
  assert.ok(destroyedSeen, 'the sink reports itself destroyed, as a closed socket would');
});

test('a mounted origin is answered in-process; unmounted, the same request goes to the network', async () => {
  const port = await deadPort();
  const origin = `http://127.0.0.1:${port}`;
  const forwarder = new Forwarder({ connectMs: 1000, headersMs: 300, bodyMs: 1000 });
  const seen: LocalRequest[] = [];
  const unmount = forwarder.mount(origin, (req) =>
    exchange(req, (sink) => {
      seen.push(req);
      sink.writeHead(200, { 'content-type': 'application/json' });
      sink.end('{"ok":true}');
    }),
  );
  try {
    const target = { baseUrl: `${origin}/v1`, apiKey: 'sk-sess-abc', model: 'm' };
    const r = await forwarder.request(target, 'POST', '/chat/completions', Buffer.from('{"messages":[]}'));
    assert.equal(r.statusCode, 200);
    assert.equal(await r.body.text(), '{"ok":true}');
    assert.equal(seen[0]!.path, '/v1/chat/completions');
    assert.equal(seen[0]!.headers.authorization, 'Bearer sk-sess-abc', 'the same headers as on the wire');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.equal(seen[0]!.headers.host, `127.0.0.1:${port}`);
    assert.equal(String(seen[0]!.body), '{"messages":[]}');
    unmount();
    await assert.rejects(forwarder.request(target, 'GET', '/models', null), (e: HttpError) => e.status === 502);
  } finally {
    await forwarder.close();
  }
});

test('an in-process answer that never starts times out like a socket would (504)', async () => {
  const origin = `http://127.0.0.1:${await deadPort()}`;
  const forwarder = new Forwarder({ connectMs: 1000, headersMs: 200, bodyMs: 1000 });
  let gone = false;
  forwarder.mount(origin, (req) =>
    exchange(req, async (_sink, signal) => {
      await new Promise((r) => signal.addEventListener('abort', r));
      gone = true;
    }),
  );
  try {
    const t0 = Date.now();
    await assert.rejects(
      forwarder.request({ baseUrl: origin, apiKey: '', model: 'm' }, 'GET', '/models', null),
      (e: HttpError) => e.status === 504 && /timed out/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 2000);
    assert.ok(gone, 'the handler was told to give up');
  } finally {
    await forwarder.close();
  }
});
