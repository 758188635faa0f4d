// What the token checks remember of answered calls: each request's messages as a list of keys (so a
// later request can be seen to only extend an earlier one) and, per episode, the latest answered
// calls' prompt and generated token ids. Bounded by a budget of ids held (an Int32Array each).
import { createHash } from 'node:crypto';
import type { UpstreamCall } from '../../../shared/domain.ts';
import { messageText, type ChatMessage } from '../../../shared/wire/openai.ts';

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

/** Requests waiting for their answer (most are answered within seconds). */
const MAX_PENDING = 1024;
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
  readonly #pending = new Map<string, CallShape>();
  readonly #episodes = new Map<string, AnsweredRecord[]>();
  #ids = 0;

  /** A request was recorded: its shape waits for the answer. */
  requested(callId: string, messages: ChatMessage[]): void {
    this.#pending.set(callId, shapeOf(messages));
    if (this.#pending.size > MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value!);
  }

  /**
   * A call was answered: its record (null without token ids, or without its request's shape) and
   * the episode's earlier answered calls, newest first; the record joins them.
   */
  answered(call: UpstreamCall): { record: AnsweredRecord; earlier: AnsweredRecord[] } | null {
    const shape = this.#pending.get(call.id);
    this.#pending.delete(call.id);
    const r = call.response;
    if (!shape || !r?.promptTokenIds || !r.tokenIds) return null;
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
    return { record, earlier };
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
