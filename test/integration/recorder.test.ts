import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { request, startBench, type TestBench } from '../helpers/workbench.ts';

describe('upstream recorder with the scripted model', () => {
  let b: TestBench;
  before(async () => (b = await startBench()));
  after(() => b.stop());
  const admin = () => ({ authorization: `Bearer ${b.wb.adminKey}` });

  test('stores the request byte-exact before forwarding, and streams through chunk by chunk', async () => {
    const ep = await b.proxy('POST', '/session/raw/episode/start', {});
    const key = ep.body.session_api_key;
    // odd spacing and key order must survive exactly as sent
    const raw =
      '{ "stream" : true,"model":"trajscope-scripted",\n' +
      ' "messages":[{"role":"user","content":"search for \\u00e9clairs"}] }';
    const res = await fetch(`${b.wb.recorder.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-extra': 'kept' },
      body: raw,
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    let pieces = 0;
    let text = '';
    for await (const chunk of res.body!) {
      pieces++;
      text += Buffer.from(chunk).toString('utf8');
    }
    assert.ok(pieces >= 1);
    assert.match(text, /data: \[DONE\]/);
    const [call] = b.wb.store.calls.details(ep.body.episode_id);
    assert.equal(call!.requestBody, raw);
    assert.equal(call!.requestHeaders['x-extra'], 'kept');
    assert.equal(call!.outsideTurn, true, 'no turn was in flight: kept and marked outside any turn');
    assert.equal(call!.turnId, null);
    assert.equal(call!.status, 200);
    assert.equal(call!.response!.text, 'Let me look that up.');
    assert.equal(call!.response!.toolCalls[0]!.name, 'tool_search');
    assert.deepEqual(JSON.parse(call!.response!.toolCalls[0]!.arguments), { query: 'search for éclairs' });
    // the recorder asked the model for token ids and logprobs too: the record holds them, the
    // agent's stream does not (the same events, without what only the recorder asked for)
    assert.deepEqual(call!.addedFields, ['return_token_ids', 'logprobs']);
    assert.ok(call!.response!.promptTokenIds!.length > 0 && call!.response!.tokenIds!.length > 0);
    assert.doesNotMatch(text, /token_ids/);
    assert.doesNotMatch(text, /"logprobs":\{/);
    const events = (sse: string) => sse.split('\n\n').filter((e) => e.startsWith('data: {'));
    const strip = (e: string) => {
      const c = JSON.parse(e.slice(6));
      delete c.prompt_token_ids;
      for (const ch of c.choices) {
        delete ch.token_ids;
        if ('logprobs' in ch) ch.logprobs = null;
      }
      return c;
    };
    assert.deepEqual(
      events(text).map((e) => JSON.parse(e.slice(6))),
      events(call!.rawResponse!).map(strip),
    );
    assert.ok(call!.firstByteAt! >= call!.startedAt && call!.endedAt! >= call!.firstByteAt!);
  });

  test('calls during a turn are attributed to that turn', async () => {
    const t = await b.proxy('POST', '/session/attr/turn', { message: 'weather?' });
    const calls = b.wb.store.calls.list({ turnId: t.body.metadata.turn_id });
    assert.equal(calls.length, 2);
    assert.ok(
      calls.every((c) => !c.outsideTurn && c.sessionKey === 'attr' && c.episodeId === t.body.metadata.episode_id),
    );
  });

  test('non-streaming calls and /v1/models work with an episode key', async () => {
    const ep = await b.proxy('POST', '/session/plain/episode/start', {});
    const auth = { authorization: `Bearer ${ep.body.session_api_key}` };
    const models = await request(`${b.wb.recorder.url}/models`, 'GET', undefined, auth);
    assert.equal(models.body.data[0].id, 'trajscope-scripted');
    const r = await request(
      `${b.wb.recorder.url}/chat/completions`,
      'POST',
      { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
      auth,
    );
    assert.equal(r.status, 200);
    assert.match(r.body.choices[0].message.content, /You said: "hi"/);
    const [call] = b.wb.store.calls.details(ep.body.episode_id);
    assert.equal(call!.response!.streamed, false);
    assert.equal(call!.response!.text, r.body.choices[0].message.content);
  });

  test("an ended episode's key is refused with 401", async () => {
    const ep = await b.proxy('POST', '/session/stale/episode/start', {});
    await b.proxy('POST', '/session/stale/episode/end', {});
    const r = await request(
      `${b.wb.recorder.url}/chat/completions`,
      'POST',
      { messages: [{ role: 'user', content: 'x' }] },
      { authorization: `Bearer ${ep.body.session_api_key}` },
    );
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /ended/);
  });

  test('/rl routes, the older wire: start_session, set_reward (finalizes), end_session, export', async () => {
    const start = await request(`${b.wb.recorder.origin}/rl/start_session`, 'POST', { task_id: 'rl-task' }, admin());
    assert.equal(start.status, 201);
    const auth = { authorization: `Bearer ${start.body.api_key}` };
    const noCalls = await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', { reward: 1 }, auth);
    assert.equal(noCalls.status, 400);
    for (const content of ['first', 'second']) {
      const r = await request(
        `${b.wb.recorder.url}/chat/completions`,
        'POST',
        { messages: [{ role: 'user', content }] },
        auth,
      );
      assert.equal(r.status, 200);
    }
    const calls = b.wb.store.calls.list({ episodeId: start.body.session_id });
    const bad = await request(
      `${b.wb.recorder.origin}/rl/set_reward`,
      'POST',
      { reward: 1, interaction_id: 'nope' },
      auth,
    );
    assert.equal(bad.status, 400);
    const nan = await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', { reward: 'high' }, auth);
    assert.equal(nan.status, 400);
    const rewardFirst = { reward: 1, interaction_id: calls[0]!.id };
    const firstReward = await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', rewardFirst, auth);
    assert.equal(firstReward.status, 200, 'a reward finalizes the trajectory');
    assert.equal(b.wb.store.episodes.get(start.body.session_id)!.status, 'ended');
    const again = await request(`${b.wb.recorder.origin}/rl/end_session`, 'POST', undefined, auth);
    assert.equal(again.status, 410, 'already ended by the reward');
    const other = { reward: 2, interaction_id: calls[1]!.id };
    const duplicate = await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', other, auth);
    assert.equal(duplicate.status, 400, 'another interaction of a finalized trajectory');
    // as AReaL: with no interaction_id, a reward after finalizing is the rewarded interaction's duplicate
    const bare = await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', { reward: 2 }, auth);
    assert.deepEqual([bare.status, bare.body.ready_transition], [200, false]);
    const same = await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', rewardFirst, auth);
    assert.deepEqual([same.status, same.body.ready_transition], [200, false], 'a repeated reward: a duplicate');
    b.wb.rewards.give({ episodeId: start.body.session_id, callId: calls[1]!.id, value: 2, source: 'api' });

    const exp = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_id: start.body.session_id, discount: 0.5 },
      admin(),
    );
    assert.equal(exp.status, 200);
    const items = exp.body.interactions;
    assert.deepEqual(
      Object.keys(items),
      calls.map((c) => c.id),
    );
    // as AReaL's apply_reward_discount: r_i ← r_i + γ·r_{i+1}, so 1 + 0.5 × 2
    assert.equal(items[calls[0]!.id].reward, 2);
    assert.equal(items[calls[1]!.id].reward, 2);
    assert.equal(items[calls[0]!.id].messages[0].content, 'first');
    assert.equal(items[calls[1]!.id].response.role, 'assistant');
    const concat = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_id: start.body.session_id, style: 'concat' },
      admin(),
    );
    assert.equal(Object.keys(concat.body.interactions).length, 2, 'calls outside turns stay one entry each');
    const unknown = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_id: 'ep_nope' },
      admin(),
    );
    assert.equal(unknown.status, 404);
    const taken = await request(
      `${b.wb.recorder.origin}/rl/start_session`,
      'POST',
      { task_id: 'x', api_key: start.body.api_key },
      admin(),
    );
    assert.equal(taken.status, 409);
  });

  test("concat style merges a turn's calls into its last one with the turn's return", async () => {
    const t = await b.proxy('POST', '/session/concat/turn', { message: 'weather now' });
    await b.proxy('POST', '/session/concat/reward', { reward: 3 });
    const id = t.body.metadata.episode_id;
    const ind = await request(`${b.wb.recorder.origin}/export_trajectories`, 'POST', { session_id: id }, admin());
    const con = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_id: id, style: 'concat' },
      admin(),
    );
    assert.equal(Object.keys(ind.body.interactions).length, 2);
    const merged = Object.values(con.body.interactions) as Array<{ messages: unknown[]; reward: number }>;
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.messages.length, 3, 'the last call holds the user message, the tool call and its result');
    assert.equal(merged[0]!.reward, 3);
  });
});

describe('upstream recorder with a remote upstream that returns token ids and logprobs', () => {
  let b: TestBench;
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream();
    b = await startBench({ upstreamUrl: fake.url, upstreamKey: 'real-key', upstreamModel: 'fake-model' });
  });
  after(async () => {
    await b.stop();
    await fake.stop();
  });

  test('the upstream gets its own key; logprobs, token ids and usage are reassembled', async () => {
    const t = await b.proxy('POST', '/session/lp/turn', { message: 'hello' });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.summary, 'Echo: hello');
    assert.equal(fake.requests.at(-1)!.headers.authorization, 'Bearer real-key');
    const [call] = b.wb.store.calls.details(t.body.metadata.episode_id);
    assert.deepEqual(call!.response!.tokenIds, [11, 12, 13]);
    assert.deepEqual(call!.response!.logprobs, [
      { token: 'Echo', logprob: -0.1 },
      { token: 'msg', logprob: -0.2 },
    ]);
    assert.deepEqual(call!.response!.usage, { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    // forwarded as sent but for the token fields, inserted before the closing brace
    assert.deepEqual(call!.addedFields, ['return_token_ids', 'logprobs']);
    const sent = call!.requestBody;
    assert.equal(fake.requests.at(-1)!.body, `${sent.slice(0, -1)},"return_token_ids":true,"logprobs":true}`);
  });
});
