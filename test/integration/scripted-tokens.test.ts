// The embedded scripted model answers `return_token_ids` and `logprobs` as vLLM does, with Qwen3's
// real tokenizer and chat template: the prompt's ids are the template's rendering of the request,
// the generated ids are the reply (and tool call) with the stop token, streamed or not, and a clean
// conversation keeps the prefix property token for token. Over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScriptedModel } from '../../electron/core/scripted-model/server.ts';
import { loadTokenizer } from '../../electron/core/tokens/chat-tokenizer.ts';
import type { ChatMessage } from '../../shared/wire/openai.ts';

describe('the scripted model answers token ids as vLLM does', () => {
  const model = new ScriptedModel(undefined, 'test-key');
  const tok = loadTokenizer(null);
  before(() => model.start());
  after(() => model.stop());

  async function ask(body: Record<string, unknown>): Promise<any> {
    const res = await fetch(`${model.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    if (body.stream !== true) return res.json();
    const chunks = (await res.text())
      .split('\n\n')
      .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
      .map((l) => JSON.parse(l.slice(6)));
    return chunks;
  }

  const opening: ChatMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hello there, how are you?' },
  ];

  test('whole: prompt ids are the rendered template, generated ids the reply and the stop token', async () => {
    const a = await ask({ model: 'm', messages: opening, return_token_ids: true, logprobs: true, top_logprobs: 1 });
    assert.deepEqual(a.prompt_token_ids, tok.encode(tok.renderPrompt({ messages: opening })));
    assert.match(tok.decode(a.prompt_token_ids), /<\|im_start\|>assistant\n$/);
    const choice = a.choices[0];
    assert.equal(tok.decode(choice.token_ids), `${choice.message.content}<|im_end|>`);
    assert.equal(choice.logprobs.content.length, choice.token_ids.length);
    assert.deepEqual(choice.logprobs.content.at(-1), {
      token: '<|im_end|>',
      logprob: 0,
      bytes: [...Buffer.from('<|im_end|>')],
      top_logprobs: [{ token: '<|im_end|>', logprob: 0, bytes: [...Buffer.from('<|im_end|>')] }],
    });
    assert.equal(a.usage.prompt_tokens, a.prompt_token_ids.length);
    assert.equal(a.usage.completion_tokens, choice.token_ids.length);
  });

  test('streamed: the first chunk carries the prompt ids, the chunks together the same generated ids', async () => {
    const whole = await ask({ model: 'm', messages: opening, return_token_ids: true });
    const chunks = await ask({ model: 'm', messages: opening, return_token_ids: true, stream: true });
    assert.deepEqual(chunks[0].prompt_token_ids, whole.prompt_token_ids);
    assert.ok(
      chunks.slice(1).every((c: any) => c.prompt_token_ids === undefined),
      'sent once',
    );
    assert.deepEqual(
      chunks.flatMap((c: any) => c.choices[0]?.token_ids ?? []),
      whole.choices[0].token_ids,
    );
    assert.equal(chunks.map((c: any) => c.choices[0]?.delta?.content ?? '').join(''), whole.choices[0].message.content);
    assert.ok(
      chunks.every((c: any) => c.choices[0]?.logprobs === undefined),
      'no logprobs where none were asked for',
    );
  });

  test('not asked: no token fields at all', async () => {
    const a = await ask({ model: 'm', messages: opening });
    assert.equal(a.prompt_token_ids, undefined);
    assert.equal(a.choices[0].token_ids, undefined);
    assert.equal(a.choices[0].logprobs, null);
  });

  test('a clean conversation with a tool call keeps the prefix property, token for token', async () => {
    const asked = { model: 'm', return_token_ids: true, tools: [weatherTool] };
    const m1: ChatMessage[] = [{ role: 'user', content: "What's the weather in Paris?" }];
    const a1 = await ask({ ...asked, messages: m1 });
    const call = a1.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    const m2: ChatMessage[] = [
      ...m1,
      { role: 'assistant', content: a1.choices[0].message.content, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"temp_c":21}' },
    ];
    const a2 = await ask({ ...asked, messages: m2 });
    const before = [...a1.prompt_token_ids, ...a1.choices[0].token_ids];
    assert.deepEqual(a2.prompt_token_ids.slice(0, before.length), before);
    assert.ok(a2.prompt_token_ids.length > before.length);
  });
});

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
