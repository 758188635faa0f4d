// What the token checks remember of answered calls: each request's messages as a list of keys (so a
// later request can be seen to only extend an earlier one) and, per episode, the latest answered
// calls' prompt and generated token ids. Bounded by a budget of ids held (an Int32Array each).
import { createHash } from 'node:crypto';
import type { UpstreamCall } from '../../../shared/domain.ts';
import { messageText, type ChatMessage, type ChatRequestBody } from '../../../shared/wire/openai.ts';

/** A request's messages: one key each, and the assistant messages' text and tool arguments. */
export interface CallShape {
  keys: string[];
  assistants: Map<number, { text: string; toolArgs: string[] }>;
}

export interface AnsweredRecord {
  callId: string;
  turnId: string | null;
  shape: CallShape;
  promptIds: Int32Array;
  outputIds: Int32Array;
  answer: { text: string; reasoning: string; toolArgs: string[] };
}

/** What a request gave the model: its messages and tools (what a chat template renders). */
export type RenderedRequest = Pick<ChatRequestBody, 'messages' | 'tools'>;

/** Requests waiting for their answer (most are answered within seconds), at most. */
const MAX_PENDING = 1024;
/** The waiting requests' bytes, at most (a request's parsed form holds about its size). */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** Answered calls kept per episode (a later call extends one of the latest). */
const PER_EPISODE = 2;
/** Token ids held in all, at most (4 bytes each: 16 MB). */
const MAX_IDS = 4_000_000;

export function shapeOf(messages: ChatMessage[]): CallShape {
  const assistants = new Map<number, { text: string; toolArgs: string[] }>();
  const keys = messages.map((m, i) => {
    const text = m.content === null || m.content === undefined ? '' : messageText(m.content);
    const toolArgs = (m.tool_calls ?? []).map((c) => c.function?.arguments ?? '');
    if (m.role === 'assistant') assistants.set(i, { text, toolArgs });
    const hash = createHash('sha1').update(JSON.stringify([text, m.tool_calls ?? null, m.tool_call_id ?? null]));
    return `${m.role}:${hash.digest('base64')}`;
  });
  return { keys, assistants };
}

export class AnsweredCalls {
  readonly #pending = new Map<string, { shape: CallShape; request: RenderedRequest; bytes: number }>();
  readonly #episodes = new Map<string, AnsweredRecord[]>();
  #ids = 0;
  #pendingBytes = 0;

  /** A request was recorded: its shape and what it gave the model wait for the answer. */
  requested(callId: string, body: RenderedRequest, bytes: number): void {
    const request = { messages: body.messages, ...(body.tools ? { tools: body.tools } : {}) };
    this.#pending.set(callId, { shape: shapeOf(body.messages), request, bytes });
    this.#pendingBytes += bytes;
    while (this.#pending.size > MAX_PENDING || this.#pendingBytes > MAX_PENDING_BYTES)
      this.#take(this.#pending.keys().next().value!);
  }

  #take(callId: string) {
    const p = this.#pending.get(callId);
    this.#pending.delete(callId);
    if (p) this.#pendingBytes -= p.bytes;
    return p;
  }

  /**
   * A call was answered: its record (null without token ids, or without its request's shape) and
   * the episode's earlier answered calls, newest first; the record joins them.
   */
  answered(call: UpstreamCall): { record: AnsweredRecord; earlier: AnsweredRecord[]; request: RenderedRequest } | null {
    const pending = this.#take(call.id);
    const r = call.response;
    if (!pending || !r?.promptTokenIds || !r.tokenIds) return null;
    const { shape, request } = pending;
    const record: AnsweredRecord = {
      callId: call.id,
      turnId: call.turnId,
      shape,
      promptIds: Int32Array.from(r.promptTokenIds),
      outputIds: Int32Array.from(r.tokenIds),
      answer: { text: r.text, reasoning: r.reasoning, toolArgs: r.toolCalls.map((c) => c.arguments) },
    };
    const earlier = [...(this.#episodes.get(call.episodeId) ?? [])].reverse();
    this.#keep(call.episodeId, record);
    return { record, earlier, request };
  }

  #keep(episodeId: string, record: AnsweredRecord): void {
    const list = this.#episodes.get(episodeId) ?? [];
    this.#episodes.delete(episodeId); // most recently used last
    list.push(record);
    this.#ids += record.promptIds.length + record.outputIds.length;
    while (list.length > PER_EPISODE) this.#forget(list.shift()!);
    this.#episodes.set(episodeId, list);
    for (const [id, old] of this.#episodes) {
      if (this.#ids <= MAX_IDS || old === list) break;
      old.forEach((r) => this.#forget(r));
      this.#episodes.delete(id);
    }
  }

  #forget(r: AnsweredRecord): void {
    this.#ids -= r.promptIds.length + r.outputIds.length;
  }
}
