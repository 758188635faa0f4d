import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startBench, type TestBench } from '../helpers/workbench.ts';

describe('the official openai client against the DataProxy front doors', () => {
  let b: TestBench;
  let client: OpenAI;
  before(async () => {
    b = await startBench();
    client = new OpenAI({ baseURL: `${b.wb.proxyUrl}/v1`, apiKey: b.wb.adminKey, maxRetries: 0 });
  });
  after(() => b.stop());

  test('chat.completions, not streamed: two turns share the DataProxy history', async () => {
    const headers = { 'X-AReaL-Session-Key': 'oa-chat' };
    const one = await client.chat.completions.create(
      { model: 'any', messages: [{ role: 'user', content: 'first message' }] },
      { headers },
    );
    assert.match(one.choices[0]!.message.content!, /You said: "first message"/);
    const two = await client.chat.completions.create(
      { model: 'any', messages: [{ role: 'user', content: 'second message' }] },
      { headers },
    );
    assert.match(two.choices[0]!.message.content!, /seen: 1 earlier user messages/);
  });

  test('chat.completions, streamed: deltas add up to the stored reply', async () => {
    const stream = await client.chat.completions.create({
      model: 'm',
      user: 'u1',
      stream: true,
      messages: [{ role: 'user', content: 'please search for tea' }],
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.ok(chunks > 3, `streamed in ${chunks} chunks`);
    const history = b.wb.sessions.history('chat:m:u1');
    assert.equal(history.at(-1)!.content, text);
    assert.match(text, /^Let me look that up\.\nI searched for "please search for tea"\./);
  });

  test('responses, not streamed and streamed, over one session', async () => {
    const headers = { 'X-AReaL-Session-Key': 'oa-resp' };
    const r1 = await client.responses.create({ model: 'openclaw', input: 'hello responses' }, { headers });
    assert.equal(r1.status, 'completed');
    assert.match(r1.output_text, /You said: "hello responses"/);
    const stream = await client.responses.create(
      { model: 'openclaw', input: [{ role: 'user', content: 'and again' }], stream: true },
      { headers },
    );
    const types: string[] = [];
    let delta = '';
    let final = '';
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') delta += ev.delta;
      if (ev.type === 'response.completed') final = ev.response.output_text;
    }
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.equal(delta, final);
    assert.match(final, /seen: 1 earlier user messages/);
  });

  test('a request with no session is refused with 400', async () => {
    await assert.rejects(
      client.responses.create({ model: 'openclaw', input: 'x' }),
      (err: InstanceType<typeof OpenAI.APIError>) => err.status === 400,
    );
  });

  test('an invalid bearer is refused with 401', async () => {
    const bad = new OpenAI({ baseURL: `${b.wb.proxyUrl}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await assert.rejects(
      bad.responses.create({ model: 'openclaw', input: 'x' }, { headers: { 'X-AReaL-Session-Key': 'k' } }),
      (err: InstanceType<typeof OpenAI.APIError>) => err.status === 401,
    );
  });

  test('the recorder works as an OpenAI provider for the client with an episode key', async () => {
    const ep = await b.proxy('POST', '/session/provider/episode/start', {});
    const provider = new OpenAI({ baseURL: b.wb.recorder.url, apiKey: ep.body.session_api_key, maxRetries: 0 });
    const models = await provider.models.list();
    assert.equal(models.data[0]!.id, 'trajscope-scripted');
    const stream = await provider.chat.completions.create({
      model: 'trajscope-scripted',
      stream: true,
      messages: [{ role: 'user', content: 'weather?' }],
    });
    const args: string[] = [];
    for await (const c of stream)
      for (const tc of c.choices[0]?.delta?.tool_calls ?? []) args.push(tc.function?.arguments ?? '');
    assert.deepEqual(JSON.parse(args.join('')), { city: 'Paris' });
  });
});
