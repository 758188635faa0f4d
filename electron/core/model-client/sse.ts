// Server-sent events: a tolerant line parser and an accumulator that rebuilds one chat
// completion from its streamed chunks (text kept whole, tool calls accumulated by index).
import type { ToolCall, UpstreamResponseSummary } from '../../../shared/domain.ts';
import type { ChatCompletionChunk } from '../../../shared/wire/openai.ts';

export interface SseEvent {
  event: string | null;
  data: string;
}

/** The longest stream line read by default (`sseLineLimit`). */
export const DEFAULT_SSE_LINE_LIMIT = 16 * 1024 * 1024;

/** A stream line longer than the parser's limit. */
export class SseLineTooLong extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`a stream line is longer than ${limit} characters`);
    this.limit = limit;
  }
}

/**
 * Splits a byte stream into SSE events; `data:` with or without a space, LF or CRLF. Linear in
 * what it is fed: each chunk is scanned once, and a line still incomplete is kept as pieces and
 * joined once when its end arrives (re-scanning a growing buffer made a 100 MB line take minutes).
 * A line longer than `maxLine` characters throws SseLineTooLong.
 */
export class SseParser {
  private pending: string[] = [];
  private pendingLength = 0;
  private event: string | null = null;
  private data: string[] = [];
  private readonly decoder = new TextDecoder();
  private readonly maxLine: number;

  constructor(maxLine = DEFAULT_SSE_LINE_LIMIT) {
    this.maxLine = maxLine;
  }

  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      let line = text.slice(start, nl);
      start = nl + 1;
      if (this.pending.length > 0) {
        this.grow(line.length);
        this.pending.push(line);
        line = this.pending.join('');
        this.pending = [];
        this.pendingLength = 0;
      } else if (line.length > this.maxLine) throw new SseLineTooLong(this.maxLine);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.line(line, out);
    }
    if (start < text.length) {
      this.grow(text.length - start);
      this.pending.push(text.slice(start));
    }
    return out;
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const rest = this.pending.join('') + this.decoder.decode();
    this.pending = [];
    this.pendingLength = 0;
    if (rest) this.line(rest, out);
    this.line('', out);
    return out;
  }

  private grow(n: number): void {
    this.pendingLength += n;
    if (this.pendingLength > this.maxLine) throw new SseLineTooLong(this.maxLine);
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event, data: this.data.join('\n') });
      this.data = [];
      this.event = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}

/** Rebuilds a chat completion from chunks; malformed chunks are skipped and counted. */
export class ChatAccumulator {
  id: string | null = null;
  model: string | null = null;
  text = '';
  reasoning = '';
  finishReason: string | null = null;
  usage: Record<string, unknown> | null = null;
  logprobs: unknown[] | null = null;
  tokenIds: number[] | null = null;
  promptTokenIds: number[] | null = null;
  chunkCount = 0;
  malformed = 0;
  done = false;
  error: { message: string; type: string } | null = null;
  private readonly calls = new Map<number, ToolCall>();

  /**
   * Feeds one SSE data payload; returns the text delta it carried (for live display) and the chunk
   * as parsed (so a relay that rewrites it does not parse it again).
   */
  pushData(data: string): { text: string; toolCall: boolean; chunk?: object } {
    if (data.trim() === '[DONE]') {
      this.done = true;
      return { text: '', toolCall: false };
    }
    let chunk: ChatCompletionChunk;
    try {
      chunk = JSON.parse(data);
      if (!chunk || typeof chunk !== 'object') throw new Error('not an object');
    } catch {
      this.malformed++;
      return { text: '', toolCall: false };
    }
    this.chunkCount++;
    if (chunk.error) {
      this.error = {
        message: String(chunk.error.message ?? 'upstream error'),
        type: String(chunk.error.type ?? 'upstream_error'),
      };
      return { text: '', toolCall: false, chunk };
    }
    return { ...this.absorb(chunk), chunk };
  }

  /** Absorbs a non-streamed completion body. */
  pushCompletion(body: {
    id?: string;
    model?: string;
    usage?: Record<string, unknown>;
    choices?: Array<Record<string, unknown>>;
    prompt_token_ids?: unknown;
  }): void {
    this.id = body.id ?? null;
    this.model = body.model ?? null;
    this.usage = body.usage ?? null;
    this.promptTokenIds = tokenList(body.prompt_token_ids);
    const choice = body.choices?.[0] as
      | {
          message?: {
            content?: string | null;
            reasoning_content?: string | null;
            tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
          };
          finish_reason?: string | null;
          logprobs?: { content?: unknown[] } | null;
          token_ids?: unknown;
        }
      | undefined;
    this.text = choice?.message?.content ?? '';
    this.reasoning = choice?.message?.reasoning_content ?? '';
    this.finishReason = choice?.finish_reason ?? null;
    this.logprobs = choice?.logprobs?.content ?? null;
    this.tokenIds = tokenList(choice?.token_ids);
    (choice?.message?.tool_calls ?? []).forEach((c, index) =>
      this.calls.set(index, { index, id: c.id, name: c.function.name, arguments: c.function.arguments }),
    );
    this.done = true;
  }

  private absorb(chunk: ChatCompletionChunk): { text: string; toolCall: boolean } {
    this.id ??= chunk.id ?? null;
    this.model ??= chunk.model ?? null;
    if (chunk.usage) this.usage = chunk.usage;
    // vLLM sends the prompt's ids once, on the first chunk
    this.promptTokenIds ??= tokenList(chunk.prompt_token_ids);
    let text = '';
    let toolCall = false;
    for (const choice of chunk.choices ?? []) {
      const d = choice.delta ?? {};
      if (typeof d.content === 'string') text += d.content;
      if (typeof d.reasoning_content === 'string') this.reasoning += d.reasoning_content;
      for (const tc of d.tool_calls ?? []) {
        toolCall = true;
        const index = typeof tc.index === 'number' ? tc.index : this.calls.size;
        const call = this.calls.get(index) ?? { index, id: '', name: '', arguments: '' };
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name += tc.function.name;
        if (tc.function?.arguments) call.arguments += tc.function.arguments;
        this.calls.set(index, call);
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
      if (choice.logprobs?.content) (this.logprobs ??= []).push(...choice.logprobs.content);
      const ids = tokenList(choice.token_ids);
      if (ids) (this.tokenIds ??= []).push(...ids);
    }
    this.text += text;
    return { text, toolCall };
  }

  get toolCalls(): ToolCall[] {
    return [...this.calls.values()].sort((a, b) => a.index - b.index);
  }

  /** True when the stream ended properly: [DONE] or a finish reason, and no error chunk. */
  get complete(): boolean {
    return !this.error && (this.done || this.finishReason !== null);
  }

  summary(streamed: boolean): UpstreamResponseSummary {
    return {
      id: this.id,
      model: this.model,
      text: this.text,
      reasoning: this.reasoning,
      toolCalls: this.toolCalls,
      finishReason: this.finishReason,
      usage: this.usage,
      logprobs: this.logprobs,
      tokenIds: this.tokenIds,
      promptTokenIds: this.promptTokenIds,
      chunkCount: this.chunkCount,
      malformedChunks: this.malformed,
      streamed,
    };
  }
}

/** A list of token ids as a server sent it; anything else (absent, malformed) is no ids at all. */
function tokenList(v: unknown): number[] | null {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0) ? (v as number[]) : null;
}
