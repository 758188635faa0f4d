// The recorder asks every model server for the truth in tokens — `return_token_ids` and `logprobs`
// added to what the agent sent — and records it, while the agent gets the answer it would have got.
// Against a server that answers them as vLLM does (the scripted model on its own HTTP port, with
// Qwen3's real tokenizer and template), one that refuses them as OpenAI's API does, and with the
// setting off. Driven with the official openai client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { loadTokenizer } from '../../electron/core/tokens/chat-tokenizer.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { episodeClient, tokenServerRun } from '../helpers/token-server.ts';
import { startBench, type TestBench } from '../helpers/workbench.ts';

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Hello there, how are you?' },
];

describe('a server that answers token ids as vLLM does', () => {
  const run = tokenServerRun();
  const tok = loadTokenizer(null);

  test('recorded: the prompt and generated ids; answered: what the agent asked for, no more', async () => {
    const c = await episodeClient(run.bench(), 'vllm');
    const answer = await c.openai.chat.completions.create({ model: 'qwen3', messages });
    const raw = answer as unknown as Record<string, unknown> & { choices: Array<Record<string, unknown>> };
    assert.equal(raw.prompt_token_ids, undefined, 'not asked for by the agent');
    assert.equal(raw.choices[0]!.token_ids, undefined);
    assert.equal(raw.choices[0]!.logprobs, null);
    const [call] = c.calls();
    assert.deepEqual(call!.addedFields, ['return_token_ids', 'logprobs']);
    assert.deepEqual(call!.response!.promptTokenIds, tok.encode(tok.renderPrompt({ messages })));
    assert.equal(tok.decode(call!.response!.tokenIds!), `${answer.choices[0]!.message.content}<|im_end|>`);
    assert.equal(call!.response!.logprobs!.length, call!.response!.tokenIds!.length);
    assert.equal(call!.requestBody, JSON.stringify({ model: 'qwen3', messages }), 'stored as the agent sent it');
  });

  test('streamed the same; an agent that asks for token ids itself gets them', async () => {
    const c = await episodeClient(run.bench(), 'vllm-stream');
    const stream = await c.openai.chat.completions.create({
      model: 'qwen3',
      messages,
      stream: true,
      return_token_ids: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const ids: number[] = [];
    let prompt: number[] | undefined;
    let logprobs = 0;
    for await (const chunk of stream) {
      const raw = chunk as unknown as { prompt_token_ids?: number[]; choices: Array<{ token_ids?: number[] }> };
      prompt ??= raw.prompt_token_ids;
      ids.push(...(raw.choices[0]?.token_ids ?? []));
      if (chunk.choices[0]?.logprobs) logprobs++;
    }
    const [call] = c.calls();
    assert.deepEqual(call!.addedFields, ['logprobs'], 'only what the agent did not ask for');
    assert.deepEqual(prompt, call!.response!.promptTokenIds);
    assert.deepEqual(ids, call!.response!.tokenIds);
    assert.equal(logprobs, 0, 'logprobs stay with the record');
  });
});

describe('a server that refuses the token fields', () => {
  let fake: FakeUpstream;
  let b: TestBench;
  const notices: string[] = [];
  before(async () => {
    fake = await startFakeUpstream({ refuse: ['return_token_ids'] });
    b = await startBench({ upstreamUrl: fake.url, upstreamModel: 'fake-model' });
    b.wb.events.on('notices:raised', (n) => notices.push(n.message));
  });
  after(async () => {
    await b?.stop();
    await fake.stop();
  });

  test('is asked again as the agent sent it, once said, and not asked again', async () => {
    const c = await episodeClient(b, 'refused');
    // this server always streams
    const ask = async () => {
      let text = '';
      for await (const chunk of await c.openai.chat.completions.create({ model: 'fake-model', messages, stream: true }))
        text += chunk.choices[0]?.delta?.content ?? '';
      return text;
    };
    assert.match(await ask(), /^Echo: /);
    const sent = fake.requests.map((r) => r.body);
    assert.equal(sent.length, 2);
    assert.match(sent[0]!, /"return_token_ids":true/);
    assert.equal(
      sent[1],
      JSON.stringify({ model: 'fake-model', messages, stream: true }),
      'the retry is the request as sent',
    );
    await ask();
    assert.equal(fake.requests.length, 3);
    assert.doesNotMatch(fake.requests[2]!.body, /return_token_ids|logprobs/);
    assert.deepEqual(
      c.calls().map((call) => [call.outcome, call.addedFields]),
      [
        ['complete', []],
        ['complete', []],
      ],
    );
    assert.equal(notices.filter((n) => n.startsWith('token checks off')).length, 1);
    // and the session says so: its header's "token checks off" counts these calls
    const info = b.wb.sessions.info('refused')!;
    assert.deepEqual([info.callsWithTokenIds, info.callsWithoutTokenIds], [0, 2]);
    assert.match(
      notices.find((n) => n.startsWith('token checks off'))!,
      /refused return_token_ids and logprobs/,
    );
  });
});

describe('with noTokenIds', () => {
  let fake: FakeUpstream;
  let b: TestBench;
  before(async () => {
    fake = await startFakeUpstream();
    b = await startBench({ upstreamUrl: fake.url, upstreamModel: 'fake-model', noTokenIds: true });
  });
  after(async () => {
    await b?.stop();
    await fake.stop();
  });

  test('nothing is added: the request leaves byte for byte as sent', async () => {
    const c = await episodeClient(b, 'off');
    await c.openai.chat.completions.create({ model: 'fake-model', messages });
    const [call] = c.calls();
    assert.deepEqual(call!.addedFields, []);
    assert.equal(fake.requests.at(-1)!.body, call!.requestBody);
  });
});
