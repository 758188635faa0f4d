// OpenAI-compatible front doors to the DataProxy. The DataProxy owns the history, so only the
// newest user message of the request is taken as the turn's message; the session comes from
// X-AReaL-Session-Key (else chat:{model}:{user} / agent:{model}:{user}).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { chatCompletion, chunkFrame, DONE_FRAME } from '../../../shared/wire/chat-reply.ts';
import { messageText, type ChatChunkChoice, type ChatMessage } from '../../../shared/wire/openai.ts';
import { readJson } from '../http/body.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import type { TurnEmitter } from '../runtime/types.ts';
import type { SessionManager, TurnInput, TurnOutcome } from '../sessions/manager.ts';
import { checkSessionKey } from './session-keys.ts';
import { capabilitiesOf } from '../../../shared/runtimes.ts';

const chatBody = z.looseObject({
  model: z.string().max(200).optional(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown().optional() })).min(1),
  stream: z.boolean().optional(),
  user: z.string().max(200).optional(),
});

const responsesBody = z.looseObject({
  model: z.string().max(200).optional(),
  input: z.union([
    z.string(),
    z
      .array(
        z.looseObject({ role: z.string().optional(), content: z.unknown().optional(), type: z.string().optional() }),
      )
      .min(1),
  ]),
  stream: z.boolean().optional(),
  user: z.string().max(200).optional(),
});

function sessionFrom(
  req: IncomingMessage,
  prefix: string,
  model: string | undefined,
  user: string | undefined,
): string {
  const header = req.headers['x-areal-session-key'];
  if (typeof header === 'string' && header) return checkSessionKey(header);
  if (model && user) return checkSessionKey(`${prefix}:${model}:${user}`);
  throw new HttpError(400, `no session: send the X-AReaL-Session-Key header, or both "model" and "user"`);
}

function lastUserText(items: Array<{ role?: string; content?: unknown }>): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (it.role !== 'user') continue;
    return messageText(it.content as ChatMessage['content']);
  }
  throw new HttpError(400, 'the request holds no user message');
}

/** Delays the response head until there is output, so early failures still get a real status. */
class LazyStream {
  private started = false;
  private readonly res: ServerResponse;
  private readonly onStart: () => void;
  constructor(res: ServerResponse, onStart: () => void) {
    this.res = res;
    this.onStart = onStart;
  }
  get isStarted(): boolean {
    return this.started;
  }
  write(text: string | Uint8Array): void {
    if (!this.started) {
      this.started = true;
      this.res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      this.onStart();
    }
    this.res.write(text);
  }
}

async function runStreamed(
  sessions: SessionManager,
  key: string,
  input: TurnInput,
  res: ServerResponse,
  stream: LazyStream,
  emitter: TurnEmitter,
  onError: (err: HttpError) => void,
): Promise<TurnOutcome | null> {
  try {
    return await sessions.turn(key, input, emitter);
  } catch (err) {
    if (!stream.isStarted || !(err instanceof HttpError)) throw err;
    onError(err);
    res.end();
    return null;
  }
}

export async function chatCompletionsDoor(
  sessions: SessionManager,
  limit: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readJson(req, limit, chatBody);
  const key = sessionFrom(req, 'chat', body.model, body.user);
  await answerAsChat(sessions, key, { message: lastUserText(body.messages) }, body, res);
}

/**
 * Runs a turn and answers it as an OpenAI chat completion (streamed when asked): the OpenAI front
 * door, and a turn that AReaL's chat-completions bridge relays to its caller byte for byte.
 */
export async function answerAsChat(
  sessions: SessionManager,
  key: string,
  input: TurnInput,
  request: { model?: string | undefined; stream?: boolean | undefined },
  res: ServerResponse,
): Promise<void> {
  const model = request.model ?? 'trajscope';
  const created = Math.floor(Date.now() / 1000);
  if (!request.stream) {
    const { turn, result } = await sessions.turn(key, input, { delta: () => {}, toolCall: () => {} });
    res.setHeader('x-trajscope-turn-id', turn.id);
    const head = { id: `chatcmpl-${turn.id}`, created, model };
    // a turn's tokens are its upstream calls' (one or many, in the recorder), not counted here: no
    // usage rather than a made-up zero
    sendJson(res, 200, chatCompletion(head, { content: result.text }, 'stop', null));
    return;
  }
  const head = { id: `chatcmpl-${created}-${Math.random().toString(36).slice(2, 10)}`, created, model };
  const chunk = (delta: ChatChunkChoice['delta'], finish: string | null) =>
    chunkFrame(head, { delta, finish_reason: finish });
  // An OpenClaw session's reply is the gateway's own stream, passed through byte for byte.
  const passThrough = capabilitiesOf(sessions.runtimeOf(key)).passesStream;
  const stream = new LazyStream(res, () => !passThrough && res.write(chunk({ role: 'assistant', content: '' }, null)));
  const outcome = await runStreamed(
    sessions,
    key,
    input,
    res,
    stream,
    passThrough
      ? {
          delta: () => {},
          toolCall: () => {},
          raw: (bytes) => stream.write(bytes),
        }
      : {
          delta: (text) => stream.write(chunk({ content: text }, null)),
          toolCall: () => {},
        },
    (err) => res.write(`data: ${JSON.stringify({ error: { message: err.message, type: err.type } })}\n\n`),
  );
  if (!outcome) return;
  if (passThrough && stream.isStarted) {
    res.end();
    return;
  }
  if (!stream.isStarted) stream.write(chunk({ content: outcome.result.text }, null));
  stream.write(chunk({}, 'stop'));
  stream.write(DONE_FRAME);
  res.end();
}

export async function responsesDoor(
  sessions: SessionManager,
  limit: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readJson(req, limit, responsesBody);
  const key = sessionFrom(req, 'agent', body.model, body.user);
  const message = typeof body.input === 'string' ? body.input : lastUserText(body.input);
  const model = body.model ?? 'trajscope';
  const createdAt = Math.floor(Date.now() / 1000);
  const respId = `resp_${createdAt}${Math.random().toString(36).slice(2, 10)}`;
  const msgId = `msg_${respId.slice(5)}`;
  const item = (text: string, status: string) => ({
    type: 'message',
    id: msgId,
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [] }],
  });
  const response = (status: string, text: string | null, extra: Record<string, unknown> = {}) => ({
    id: respId,
    object: 'response',
    created_at: createdAt,
    status,
    model,
    output: text === null ? [] : [item(text, 'completed')],
    output_text: text ?? '',
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: false,
    temperature: null,
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    usage: {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    },
    ...extra,
  });
  if (!body.stream) {
    const { turn, result } = await sessions.turn(key, { message }, { delta: () => {}, toolCall: () => {} });
    res.setHeader('x-trajscope-turn-id', turn.id);
    sendJson(res, 200, response('completed', result.text));
    return;
  }
  let seq = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const part = { item_id: msgId, output_index: 0, content_index: 0 };
  const stream = new LazyStream(res, () => {
    res.write(event('response.created', { response: response('in_progress', null) }));
    res.write(event('response.in_progress', { response: response('in_progress', null) }));
    res.write(event('response.output_item.added', { output_index: 0, item: item('', 'in_progress') }));
    res.write(
      event('response.content_part.added', { ...part, part: { type: 'output_text', text: '', annotations: [] } }),
    );
  });
  const outcome = await runStreamed(
    sessions,
    key,
    { message },
    res,
    stream,
    {
      delta: (text) => stream.write(event('response.output_text.delta', { ...part, delta: text })),
      toolCall: () => {},
    },
    (err) =>
      res.write(
        event('response.failed', {
          response: response('failed', null, { error: { code: err.type, message: err.message } }),
        }),
      ),
  );
  if (!outcome) return;
  const text = outcome.result.text;
  if (!stream.isStarted) stream.write(event('response.output_text.delta', { ...part, delta: text }));
  stream.write(event('response.output_text.done', { ...part, text }));
  stream.write(event('response.content_part.done', { ...part, part: { type: 'output_text', text, annotations: [] } }));
  stream.write(event('response.output_item.done', { output_index: 0, item: item(text, 'completed') }));
  stream.write(event('response.completed', { response: response('completed', text) }));
  res.end();
}
