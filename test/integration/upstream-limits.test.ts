// Upstreams that would take the engine down or wedge it: answers that never end or are huge are cut
// at their limit (the call ends 'too_large', the turn answers, the upstream is hung up on), and an
// upstream URL that points back at the engine is refused instead of looping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startBench, until, type TestBench } from '../helpers/workbench.ts';

describe('an upstream that never stops talking cannot take the engine down: answers are cut at their limit', () => {
  let b: TestBench;
  let fake: FakeUpstream;
  const limit = 2 * 1024 * 1024;
  before(async () => {
    fake = await startFakeUpstream();
    b = await startBench({
      upstreamUrl: fake.url,
      upstreamModel: 'fake-model',
      responseLimit: limit,
      sseLineLimit: 1024 * 1024,
    });
  });
  after(async () => {
    await b.stop();
    await fake.stop();
  });

  const cases = [
    { msg: 'an endless stream', pattern: /an answer over 2 MiB \(responseLimit\): the call was cut off/ },
    { msg: 'a hugeerror body', pattern: /an answer over 2 MiB \(responseLimit\)/ },
    { msg: 'one longline of a stream', pattern: /a stream line over 1 MiB \(sseLineLimit\)/ },
  ];
  for (const c of cases) {
    test(`${c.msg}: the call ends 'too_large' at once, the turn answers, the upstream is hung up on`, async () => {
      const session = c.msg.replace(/\W+/g, '-');
      const r = await b.proxy('POST', `/session/${session}/turn`, { message: c.msg });
      assert.equal(r.status, 502, JSON.stringify(r.body).slice(0, 300));
      assert.match(r.body.error.message, c.pattern);
      const ep = b.wb.store.episodes.open(session)!;
      const call = b.wb.store.calls.list({ episodeId: ep.id }).at(-1)!;
      assert.equal(call.outcome, 'too_large');
      assert.ok(call.endedAt !== null);
      assert.match(call.error!, c.pattern);
      const flood = fake.floods.find((f) => f.msg === c.msg)!;
      await until('the upstream is hung up on', () => flood.closedAt !== null, 10_000);
      // what the server managed to write before the hang-up: the limit plus socket buffers, not 256 MiB
      assert.ok(flood.bytes < limit * 8, `${flood.bytes} bytes were sent`);
    });
  }

  test('the engine still answers a normal turn after the floods', async () => {
    const r = await b.proxy('POST', '/session/after-floods/turn', { message: 'hello' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });
});

test('an upstream URL that points back at the engine itself is refused at once, not looped', async () => {
  const b = await startBench();
  try {
    const api = createApiHandlers(b.wb);
    const port = new URL(b.wb.recorder.url).port;
    for (const [i, url] of [
      `http://localhost:${port}/v1`,
      `http://127.0.0.2:${port}/v1`,
      `${b.wb.proxyUrl}/v1`,
    ].entries()) {
      await api['config:set']({ upstreamUrl: url, upstreamModel: 'm' });
      const r = await b.proxy('POST', `/session/loop${i}/turn`, { message: 'hello' });
      assert.equal(r.status, 502, JSON.stringify(r.body));
      assert.match(r.body.error.message, /508.*this engine's own server: its calls would loop back here/);
      const ep = b.wb.store.episodes.open(`loop${i}`)!;
      assert.equal(b.wb.store.calls.count({ episodeId: ep.id }), 0, `${url}: no call recorded, none forwarded`);
    }
  } finally {
    await b.stop();
  }
});
