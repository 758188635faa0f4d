// The embedded OpenAI-compatible model: deterministic replies from a scenario, streamed or not,
// on loopback behind its own token. The recorder forwards to it when no real upstream is set.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeZodError, scenarioFile, type Scenario } from '../../../shared/schemas.ts';
import { chatCompletion, chunkFrame, DONE_FRAME, type ReplyHead } from '../../../shared/wire/chat-reply.ts';
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';
import { parseJson, readBody, type WithHeaders } from '../http/body.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import { requireBearer } from '../http/secret.ts';
import { exchange, type LocalHandler } from '../http/local.ts';
import type { HttpPolicy } from '../http/policy.ts';
import { HttpService, route } from '../http/server.ts';
import type { Sink } from '../http/sink.ts';
import { loadTokenizer, type ChatTokenizer } from '../tokens/chat-tokenizer.ts';
import { DEFAULT_SCENARIO, nextReply } from './scenario.ts';
import { logprobsOf, tokenAnswer } from './token-answer.ts';

/** Loads and validates a scenario file; the error names the file and the bad field. */
export function loadScenario(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read scenario ${path}: ${(err as Error).message}`);
  }
  const parsed = scenarioFile.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid scenario ${path}: ${describeZodError(parsed.error)}`);
  for (const rule of parsed.data.rules) {
    if (rule.match && 'regex' in rule.match) {
      const src = rule.match.regex.replace(/^\(\?i\)/, '');
      try {
        new RegExp(src);
      } catch (err) {
        throw new Error(`invalid scenario ${path}: rule ${rule.name ?? '(unnamed)'}: ${(err as Error).message}`);
      }
    }
  }
  return parsed.data;
}

/** The largest request the scripted model tokenizes (≈ 64k tokens of prose; Qwen3's context is 40,960). */
export const TOKENIZED_BYTES = 256 * 1024;

/** A text in pieces of `size` characters. */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Text chunks, each with the ids of the token pieces whose text ends in it. */
function withIds(texts: string[], pieces: Array<{ text: string; ids: number[] }>) {
  const out = texts.map((text) => ({ text, ids: [] as number[] }));
  const ends: number[] = [];
  for (let i = 0, at = 0; i < texts.length; i++) ends.push((at += texts[i]!.length));
  let pos = 0;
  for (const p of pieces) {
    pos += p.text.length;
    const k = ends.findIndex((end) => end >= pos);
    out[k === -1 ? out.length - 1 : k]?.ids.push(...p.ids);
  }
  return out;
}

function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export class ScriptedModel {
  readonly token: string;
  readonly scenario: Scenario;
  private readonly service: HttpService;
  private url = '';
  /** The tokenizer setting (null: the bundled Qwen3), loaded the first time a request asks for ids. */
  readonly #tokenizerSource: string | null;

  constructor(
    scenario: Scenario = DEFAULT_SCENARIO,
    token: string,
    policy?: HttpPolicy,
    tokenizer: string | null = null,
  ) {
    this.scenario = scenario;
    this.token = token;
    this.#tokenizerSource = tokenizer;
    this.service = new HttpService(
      'scripted-model',
      [
        route('GET', '/v1/models', (req, res) => this.models(req, res)),
        route('POST', '/v1/chat/completions', (req, res) => this.complete(req, res)),
      ],
      null,
      policy,
    );
  }

  /** Base URL including /v1, as OpenAI clients expect. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  async start(host = '127.0.0.1', port = 0): Promise<void> {
    this.url = (await this.service.start(host, port)).url;
  }

  stop(): Promise<void> {
    return this.service.stop();
  }

  /** Requests from this engine's recorder, answered in-process by the same code as the HTTP routes. */
  readonly local: LocalHandler = (req) =>
    exchange(req, (sink, gone) => {
      const path = req.path.split('?')[0];
      if (req.method === 'GET' && path === '/v1/models') return this.models(req, sink);
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        this.auth(req);
        return this.answer(req.body ?? Buffer.alloc(0), sink, () => gone.aborted);
      }
      throw new HttpError(404, `no route for ${req.method} ${path}`);
    });

  /** The tokenizer setting it answers with (null: the bundled Qwen3). */
  get tokenizerSource(): string | null {
    return this.#tokenizerSource;
  }

  private tokenizer(): ChatTokenizer {
    return loadTokenizer(this.#tokenizerSource);
  }

  /** The answer's ids; null where the template cannot render the request (answered without ids, as said). */
  private tokens(body: ChatRequestBody, text: string, toolCall: { name: string; arguments: string } | null) {
    try {
      const rendered = this.scenario.toolSchemas === 'strict_false' ? withStrictFalse(body) : body;
      return tokenAnswer(this.tokenizer(), rendered, text, toolCall, this.tokenizer().eosToken);
    } catch (err) {
      process.emitWarning(`trajscope: the scripted model answers without token ids: ${(err as Error).message}`);
      return null;
    }
  }

  private auth(req: WithHeaders): void {
    requireBearer(req, { name: 'API key of the scripted model', secret: this.token });
  }

  private models(req: WithHeaders, res: Sink): void {
    this.auth(req);
    sendJson(res, 200, {
      object: 'list',
      data: [{ id: this.scenario.model, object: 'model', created: 0, owned_by: 'trajscope' }],
    });
  }

  private async complete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.auth(req);
    const bytes = await readBody(req, 64 * 1024 * 1024);
    await this.answer(bytes, res, () => res.destroyed || req.socket.destroyed);
  }

  /** The scenario's next reply to a chat request, whole or streamed; nothing once the caller is gone. */
  private async answer(bytes: Buffer, res: Sink, gone: () => boolean): Promise<void> {
    const body = parseJson(bytes) as ChatRequestBody;
    if (!body || !Array.isArray(body.messages)) throw new HttpError(400, 'messages must be an array');
    const reply = nextReply(this.scenario, body);
    if (reply.delayMs > 0) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (gone()) return; // the caller gave up while we waited
    const digest = createHash('sha256').update(bytes).digest('hex');
    const id = `chatcmpl-${digest.slice(0, 24)}`;
    const created = Math.floor(Date.now() / 1000);
    const model = typeof body.model === 'string' ? body.model : this.scenario.model;
    const toolCall = reply.toolCall
      ? { id: `call_${digest.slice(24, 40)}`, type: 'function' as const, function: reply.toolCall }
      : null;
    const finish = toolCall ? 'tool_calls' : 'stop';
    // asked for token ids or logprobs, it answers as vLLM does, with the real tokenizer's ids — up
    // to a size: its tokenizer runs on the engine's thread (a 2 MB prompt took 25 s), so a longer
    // request is answered as by a server that returns no ids (the token checks say so)
    const asked = (body.return_token_ids === true || body.logprobs === true) && bytes.length <= TOKENIZED_BYTES;
    const tokens = asked ? this.tokens(body, reply.text, reply.toolCall ?? null) : null;
    const usage = {
      prompt_tokens: tokens?.promptIds.length ?? approxTokens(bytes.toString('utf8')),
      completion_tokens: tokens?.all.length ?? approxTokens(reply.text + (reply.toolCall?.arguments ?? '')),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const top = typeof body.top_logprobs === 'number' ? body.top_logprobs : 0;
    const withTokens = (ids: number[]) => ({
      ...(body.return_token_ids === true ? { token_ids: ids } : {}),
      ...(body.logprobs === true ? { logprobs: { content: logprobsOf(this.tokenizer(), ids, top) } } : {}),
    });

    const head: ReplyHead = { id, created, model };
    if (body.stream !== true) {
      const message = {
        content: reply.text || (toolCall ? null : ''),
        ...(toolCall ? { tool_calls: [toolCall] } : {}),
      };
      const answer = chatCompletion(head, message, finish, usage);
      if (tokens) Object.assign(answer.choices[0]!, withTokens(tokens.all));
      if (tokens && body.return_token_ids === true) Object.assign(answer, { prompt_token_ids: tokens.promptIds });
      sendJson(res, 200, answer);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const frame = (choice: Parameters<typeof chunkFrame>[1], extra: Parameters<typeof chunkFrame>[2] = {}) =>
      chunkFrame(head, choice, extra);
    const promptIds = tokens && body.return_token_ids === true ? { prompt_token_ids: tokens.promptIds } : {};
    const out: string[] = [
      frame(
        { delta: { role: 'assistant', content: '' }, finish_reason: null, ...(tokens ? withTokens([]) : {}) },
        promptIds,
      ),
    ];
    const size = this.scenario.chunkSize;
    // chunks of the scenario's size, each with the ids of the tokens that end in it (not a chunk per
    // token as vLLM streams: OpenClaw folds many small text deltas before a tool call into the
    // turn's reply, which changes what the DataProxy replays)
    const content = tokens
      ? withIds(chunks(reply.text, size), tokens.content)
      : chunks(reply.text, size).map((text) => ({ text, ids: null }));
    for (const c of content)
      out.push(frame({ delta: { content: c.text }, finish_reason: null, ...(c.ids ? withTokens(c.ids) : {}) }));
    if (toolCall) {
      out.push(
        frame({
          delta: {
            tool_calls: [
              {
                index: 0,
                id: toolCall.id,
                type: 'function',
                function: { name: toolCall.function.name, arguments: '' },
              },
            ],
          },
          finish_reason: null,
          ...(tokens ? withTokens(tokens.toolIds) : {}),
        }),
      );
      for (const args of chunks(toolCall.function.arguments, size)) {
        out.push(
          frame({
            delta: { tool_calls: [{ index: 0, function: { arguments: args } }] },
            finish_reason: null,
            ...(tokens ? withTokens([]) : {}),
          }),
        );
      }
    }
    out.push(frame({ delta: {}, finish_reason: finish, ...(tokens ? withTokens(tokens.stopIds) : {}) }));
    const opts = body.stream_options as { include_usage?: boolean } | undefined;
    if (opts?.include_usage) out.push(frame(null, { usage }));
    out.push(DONE_FRAME);
    // One write per chunk so clients see a real stream, not one buffered blob.
    for (const chunk of out) res.write(chunk);
    res.end();
  }
}

/** The request as a server that adds `strict: false` to each function (keys reordered) renders it. */
function withStrictFalse(body: ChatRequestBody): ChatRequestBody {
  if (!body.tools?.length) return body;
  const tools = body.tools.map((t) => {
    const { name, description, parameters } = t.function;
    return { type: t.type, function: { name, strict: false, parameters, description } };
  });
  return { ...body, tools };
}
