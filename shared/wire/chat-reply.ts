// The one writer of OpenAI chat-completion answers the engine itself makes: the embedded scripted
// model's replies and the DataProxy's OpenAI front door. Whole answers and stream frames come from
// the same head (id, created, model), so both speak the same dialect as real model servers do.
import type { ChatChunkChoice, ChatMessage } from './openai.ts';

export interface ReplyHead {
  id: string;
  /** Seconds since the epoch, as OpenAI writes it. */
  created: number;
  model: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A whole (non-streamed) answer with one choice; `usage` left out where it is not known. */
export function chatCompletion(
  head: ReplyHead,
  message: Pick<ChatMessage, 'content' | 'tool_calls'>,
  finishReason: string,
  usage: Usage | null,
) {
  return {
    id: head.id,
    object: 'chat.completion' as const,
    created: head.created,
    model: head.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, ...message },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

/** One server-sent-events frame of a streamed answer: a choice's delta, or (choice null) the usage frame. */
export function chunkFrame(
  head: ReplyHead,
  choice: Pick<ChatChunkChoice, 'delta' | 'finish_reason' | 'token_ids' | 'logprobs'> | null,
  extra: { usage?: Usage; prompt_token_ids?: number[] } = {},
): string {
  const chunk = {
    id: head.id,
    object: 'chat.completion.chunk',
    created: head.created,
    model: head.model,
    choices: choice ? [{ index: 0, ...choice }] : [],
    ...extra,
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The frame that ends every stream. */
export const DONE_FRAME = 'data: [DONE]\n\n';
