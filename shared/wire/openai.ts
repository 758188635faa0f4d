// The slice of OpenAI's chat wire format the engine reads and writes.

export interface ChatToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatChunkChoice {
  index?: number;
  delta?: {
    role?: string;
    content?: string | null;
    reasoning_content?: string | null;
    tool_calls?: ChatToolCallDelta[];
  };
  finish_reason?: string | null;
  logprobs?: { content?: unknown[] | null } | null;
  token_ids?: number[];
}

export interface ChatCompletionChunk {
  id?: string;
  /** vLLM with `return_token_ids`: the prompt's ids, on the first chunk. */
  prompt_token_ids?: number[];
  object?: string;
  model?: string;
  choices?: ChatChunkChoice[];
  usage?: Record<string, unknown> | null;
  error?: { message?: string; type?: string };
}

export interface ChatMessage {
  role: string;
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  name?: string;
}

export interface ChatRequestBody {
  model?: string;
  messages: ChatMessage[];
  stream?: boolean;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  [key: string]: unknown;
}

/** Text of a message whose content may be a string or a list of parts. */
export function messageText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}
