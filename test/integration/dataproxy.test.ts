import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startBench, type TestBench } from '../helpers/workbench.ts';

describe('DataProxy over real HTTP with DirectRuntime and the scripted model', () => {
  let b: TestBench;
  before(async () => (b = await startBench()));
  after(() => b.stop());

  test('health needs no auth and counts active sessions', async () => {
    const r = await b.proxy('GET', '/health', undefined, { authorization: '' });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.equal(typeof r.body.active_sessions, 'number');
  });

  test("replayed history is exactly the open episode's earlier messages, in order, each once", async () => {
    const start = await b.proxy('POST', '/session/hist/episode/start', { task_id: 'task-1' });
    assert.equal(start.status, 200);
    assert.match(start.body.session_api_key, /^sk-sess-[A-Za-z0-9_-]{20,}$/);
    const replies: string[] = [];
    for (const msg of ['one', 'two', 'three']) {
      const r = await b.proxy('POST', '/session/hist/turn', { message: msg });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      replies.push(r.body.summary);
    }
    // the scripted model says how many earlier user messages it saw: 0, 1, 2
    assert.deepEqual(
      replies.map((s) => /seen: (\d+) earlier user messages, (\d+) repeated/.exec(s)!.slice(1)),
      [
        ['0', '0'],
        ['1', '0'],
        ['2', '0'],
      ],
    );
    const turns = b.wb.store.turns.list(start.body.episode_id);
    for (const [i, t] of turns.entries()) {
      const calls = b.wb.store.calls.details(start.body.episode_id).filter((c) => c.turnId === t.id);
      const sent = JSON.parse(calls[0]!.requestBody).messages;
      const expected = [];
      for (let j = 0; j < i; j++)
        expected.push(
          { role: 'user', content: ['one', 'two', 'three'][j] },
          { role: 'assistant', content: replies[j] },
        );
      expected.push({ role: 'user', content: ['one', 'two', 'three'][i] });
      assert.deepEqual(sent, expected, `turn ${i} request`);
      assert.equal(t.historyLength, i * 2);
    }
    const hist = await b.proxy('GET', '/session/hist/history');
    assert.deepEqual(
      hist.body.history.map((m: { content: string }) => m.content),
      ['one', replies[0], 'two', replies[1], 'three', replies[2]],
    );
  });

  test('episode/start resets history and reward, mints a new key; episode/end stores the reward, clears', async () => {
    const e1 = await b.proxy('POST', '/session/ep/episode/start', {});
    await b.proxy('POST', '/session/ep/turn', { message: 'from episode one' });
    await b.proxy('POST', '/session/ep/reward', { reward: 0.3 });
    const e2 = await b.proxy('POST', '/session/ep/episode/start', { task_id: 'second' });
    assert.notEqual(e2.body.session_api_key, e1.body.session_api_key);
    assert.equal(e2.body.episode_index, e1.body.episode_index + 1);
    assert.deepEqual((await b.proxy('GET', '/session/ep/history')).body.history, []);
    assert.equal(b.wb.store.episodes.get(e2.body.episode_id)!.reward, null);
    assert.equal(b.wb.store.episodes.get(e1.body.episode_id)!.status, 'ended');
    const t = await b.proxy('POST', '/session/ep/turn', { message: 'from episode two' });
    assert.match(t.body.summary, /seen: 0 earlier user messages/);
    const req = JSON.parse(b.wb.store.calls.details(e2.body.episode_id)[0]!.requestBody);
    assert.ok(!JSON.stringify(req).includes('from episode one'), 'nothing of episode one reaches episode two');
    assert.equal(b.wb.store.calls.details(e2.body.episode_id)[0]!.upstreamKey, e2.body.session_api_key);
    const end = await b.proxy('POST', '/session/ep/episode/end', { reward: 1.5 });
    assert.deepEqual(end.body, { status: 'ok', episode_id: e2.body.episode_id, reward: 1.5, turns: 1 });
    assert.deepEqual((await b.proxy('GET', '/session/ep/history')).body.history, []);
    assert.equal(b.wb.store.episodes.open('ep'), undefined);
    assert.equal(b.wb.store.episodes.get(e2.body.episode_id)!.reward, 1.5);
  });

  test('a turn with no open episode opens one implicitly', async () => {
    const r = await b.proxy('POST', '/session/implicit/turn', { message: 'hi' });
    assert.equal(r.status, 200);
    const ep = b.wb.store.episodes.get(r.body.metadata.episode_id)!;
    assert.equal(ep.status, 'open');
    assert.equal(ep.sessionKey, 'implicit');
    assert.match(ep.upstreamKey, /^sk-sess-/);
  });

  test('concurrent turns on one session are serialized; different sessions run in parallel', async () => {
    await b.proxy('POST', '/session/conc/episode/start', {});
    const msgs = Array.from({ length: 8 }, (_, i) => `m${i}`);
    const results = await Promise.all(msgs.map((m) => b.proxy('POST', '/session/conc/turn', { message: m })));
    assert.ok(results.every((r) => r.status === 200));
    const history = (await b.proxy('GET', '/session/conc/history')).body.history as Array<{
      role: string;
      content: string;
    }>;
    assert.equal(history.length, 16);
    history.forEach((m, i) => assert.equal(m.role, i % 2 === 0 ? 'user' : 'assistant'));
    // every turn saw exactly the turns completed before it
    const seen = results.map((r) => Number(/seen: (\d+)/.exec(r.body.summary)![1])).sort((a, b) => a - b);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7]);
    const other = await Promise.all(
      ['p1', 'p2', 'p3'].map((k) => b.proxy('POST', `/session/${k}/turn`, { message: k })),
    );
    assert.ok(other.every((r) => r.status === 200 && /seen: 0/.test(r.body.summary)));
  });

  test('reward route stores api rewards on the open episode and on its turns', async () => {
    const t = await b.proxy('POST', '/session/rw/turn', { message: 'x' });
    const r1 = await b.proxy('POST', '/session/rw/reward', { reward: 0.5, note: 'ok', labeler: 'script' });
    assert.equal(r1.status, 200);
    assert.equal(r1.body.reward, 0.5);
    assert.equal(r1.body.source, 'api');
    const r2 = await b.proxy('POST', '/session/rw/reward', { reward: -1, turn_id: t.body.metadata.turn_id });
    assert.equal(r2.body.turn_id, t.body.metadata.turn_id);
    assert.equal(b.wb.store.rewards.list(t.body.metadata.episode_id).length, 2);
  });

  test('close is idempotent, drops the session state and ends its episode', async () => {
    const t = await b.proxy('POST', '/session/closing/turn', { message: 'x' });
    const active = (await b.proxy('GET', '/health')).body.active_sessions;
    assert.deepEqual((await b.proxy('POST', '/session/closing/close')).body, { status: 'ok' });
    assert.equal((await b.proxy('GET', '/health')).body.active_sessions, active - 1);
    assert.deepEqual((await b.proxy('POST', '/session/closing/close')).body, { status: 'ok' });
    assert.equal(b.wb.store.episodes.get(t.body.metadata.episode_id)!.status, 'ended');
    assert.deepEqual((await b.proxy('GET', '/session/closing/history')).body.history, []);
  });

  test("inf_base_url + session_api_key route the session's LLM calls to that upstream", async () => {
    // the "other" upstream here is the scripted model itself, reached with its own token
    const r = await b.proxy('POST', '/session/inf/turn', {
      message: 'routed',
      inf_base_url: b.wb.scripted!.baseUrl,
      session_api_key: b.wb.scripted!.token,
      inf_model: 'routed-model',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const call = b.wb.store.calls.details(r.body.metadata.episode_id)[0]!;
    assert.equal(JSON.parse(call.requestBody).model, 'routed-model');
    const bad = await b.proxy('POST', '/session/inf2/turn', {
      message: 'x',
      inf_base_url: 'http://127.0.0.1:1/v1',
      session_api_key: 'k',
    });
    assert.equal(bad.status, 502);
  });

  test('a tool step appears as a tool call then its tool result in the next upstream request', async () => {
    const r = await b.proxy('POST', '/session/tools/turn', { message: 'what is the weather?' });
    assert.deepEqual(r.body.metadata.tool_calls, [{ name: 'get_weather', input: { city: 'Paris' } }]);
    const calls = b.wb.store.calls.details(r.body.metadata.episode_id);
    assert.equal(calls.length, 2);
    assert.equal(calls[0]!.response!.toolCalls[0]!.name, 'get_weather');
    const second = JSON.parse(calls[1]!.requestBody).messages;
    assert.equal(second[1].tool_calls[0].function.name, 'get_weather');
    assert.equal(second[2].role, 'tool');
    assert.equal(second[2].tool_call_id, second[1].tool_calls[0].id);
  });
});
