import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { request, snapshot, startBench, type TestBench } from '../helpers/workbench.ts';

describe('bad input gets the exact status, a JSON error, and changes nothing', () => {
  let b: TestBench;
  let key: string;
  before(async () => {
    b = await startBench({ bodyLimit: 4096 });
    await b.proxy('POST', '/session/s/episode/start', { task_id: 't' });
    await b.proxy('POST', '/session/s/turn', { message: 'hello' });
    key = b.wb.store.episodes.open('s')!.upstreamKey;
  });
  after(() => b.stop());

  async function expectUnchanged(status: number, send: () => Promise<{ status: number; body: any }>, message?: RegExp) {
    const before = snapshot(b.wb);
    const r = await send();
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(typeof r.body?.error?.message, 'string', 'error body is JSON {error:{message,type}}');
    assert.equal(typeof r.body.error.type, 'string');
    assert.doesNotMatch(r.body.error.message, /\n\s+at /, 'no stack trace');
    if (message) assert.match(r.body.error.message, message);
    assert.equal(snapshot(b.wb), before, 'state unchanged');
  }

  test('malformed JSON → 400', () =>
    expectUnchanged(400, () => b.proxy('POST', '/session/s/turn', '{"message": '), /malformed JSON/));
  test('NaN is not JSON → 400', () =>
    expectUnchanged(400, () => b.proxy('POST', '/session/s/reward', '{"reward": NaN}')));
  test('wrong content type → 415', () =>
    expectUnchanged(415, () =>
      b.proxy('POST', '/session/s/turn', JSON.stringify({ message: 'x' }), { 'content-type': 'text/plain' }),
    ));
  test('body over the limit → 413', () =>
    expectUnchanged(413, () => b.proxy('POST', '/session/s/turn', { message: 'x'.repeat(5000) })));
  test('invalid session key → 400', () =>
    expectUnchanged(
      400,
      () => b.proxy('POST', `/session/${encodeURIComponent('bad\u0001key')}/turn`, { message: 'x' }),
      /invalid session key/,
    ));
  test('session key over 200 chars → 400', () =>
    expectUnchanged(400, () => b.proxy('POST', `/session/${'k'.repeat(513)}/turn`, { message: 'x' })));
  test('session key "." or ".." → 400', async () => {
    // sent as written: fetch would resolve the dot segments before they left the client
    const raw = (path: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const { hostname, port } = new URL(b.wb.proxyUrl);
        const req = http.request({
          hostname,
          port,
          path,
          method: 'POST',
          headers: { authorization: `Bearer ${b.wb.adminKey}`, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ message: 'x' }));
      });
    await expectUnchanged(400, () => raw('/session/%2E%2E/turn'), /"\.\."/);
    await expectUnchanged(400, () => raw('/session/%2E/turn'));
  });
  test('unknown session: reward → 404', () =>
    expectUnchanged(404, () => b.proxy('POST', '/session/nobody/reward', { reward: 1 })));
  test('episode/end with a reward for an unknown session → 404 (the reward would be lost)', () =>
    expectUnchanged(404, () => b.proxy('POST', '/session/nobody/episode/end', { reward: 1 }), /unknown session/));
  test('a message that is not text → 400', () =>
    expectUnchanged(400, () => b.proxy('POST', '/session/s/turn', { message: 42 })));
  test('missing message → 400', () => expectUnchanged(400, () => b.proxy('POST', '/session/s/turn', {})));
  test('Infinity reward → 400', () =>
    expectUnchanged(400, () => b.proxy('POST', '/session/s/reward', '{"reward": 1e999}')));
  test('string reward → 400', () => expectUnchanged(400, () => b.proxy('POST', '/session/s/reward', { reward: '1' })));
  test('inf_base_url without session_api_key → 400, runtime never called', async () => {
    const calls = b.wb.store.calls.count();
    await expectUnchanged(
      400,
      () => b.proxy('POST', '/session/s/turn', { message: 'x', inf_base_url: 'http://127.0.0.1:9/v1' }),
      /together/,
    );
    await expectUnchanged(
      400,
      () => b.proxy('POST', '/session/s/turn', { message: 'x', session_api_key: 'k' }),
      /together/,
    );
    assert.equal(b.wb.store.calls.count(), calls);
  });
  test('missing or wrong admin bearer on the DataProxy → 401', async () => {
    await expectUnchanged(401, () => b.proxy('POST', '/session/s/turn', { message: 'x' }, { authorization: '' }));
    await expectUnchanged(401, () =>
      b.proxy('POST', '/session/s/turn', { message: 'x' }, { authorization: 'Bearer nope' }),
    );
    await expectUnchanged(401, () =>
      b.proxy(
        'POST',
        '/v1/chat/completions',
        { messages: [{ role: 'user', content: 'x' }] },
        { authorization: `Bearer ${key}` },
      ),
    );
  });
  test('recorder: missing or unknown key → 401; an episode key is not admin (403, as AReaL answers)', async () => {
    const up = b.wb.recorder.url;
    const chat = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    await expectUnchanged(401, () => request(`${up}/chat/completions`, 'POST', chat));
    await expectUnchanged(401, () =>
      request(`${up}/chat/completions`, 'POST', chat, { authorization: 'Bearer sk-sess-unknown' }),
    );

    await expectUnchanged(403, () =>
      request(
        `${b.wb.recorder.origin}/export_trajectories`,
        'POST',
        { session_id: 'x' },
        { authorization: `Bearer ${key}` },
      ),
    );
    await expectUnchanged(403, () =>
      request(`${b.wb.recorder.origin}/rl/start_session`, 'POST', { task_id: 'x' }, { authorization: `Bearer ${key}` }),
    );
    await expectUnchanged(401, () => request(`${b.wb.recorder.origin}/rl/start_session`, 'POST', { task_id: 'x' }));
  });
  test('recorder: malformed JSON, no messages, wrong type, oversize → 400/400/415/413, nothing recorded', async () => {
    const up = b.wb.recorder.url;
    const auth = { authorization: `Bearer ${key}` };
    await expectUnchanged(400, () => request(`${up}/chat/completions`, 'POST', '{oops', auth));
    await expectUnchanged(400, () => request(`${up}/chat/completions`, 'POST', { model: 'm' }, auth));
    await expectUnchanged(415, () =>
      request(`${up}/chat/completions`, 'POST', '{}', { ...auth, 'content-type': 'text/plain' }),
    );
    await expectUnchanged(413, () =>
      request(`${up}/chat/completions`, 'POST', { messages: [{ role: 'user', content: 'y'.repeat(5000) }] }, auth),
    );
  });
  test("reward for an ended episode's turn → 409; reward with no open episode → 409", async () => {
    const t = await b.proxy('POST', '/session/ended/turn', { message: 'x' });
    await b.proxy('POST', '/session/ended/episode/end', {});
    await expectUnchanged(
      409,
      () => b.proxy('POST', '/session/ended/reward', { reward: 1, turn_id: t.body.metadata.turn_id }),
      /ended episode/,
    );
    await expectUnchanged(409, () => b.proxy('POST', '/session/ended/reward', { reward: 1 }), /no open episode/);
    await expectUnchanged(409, () => b.proxy('POST', '/session/ended/episode/end', { reward: 1 }));
  });
  test('unknown route → 404, wrong method → 405', async () => {
    await expectUnchanged(404, () => b.proxy('GET', '/nope'));
    await expectUnchanged(405, () => b.proxy('GET', '/session/s/turn'));
  });
});
