// The token side of a scripted reply, as vLLM gives it when asked (`return_token_ids`, `logprobs`):
// the prompt's ids as the chat template renders the request, and the generated ids — the content,
// then the tool call in the template's own words, then the stop token — so that an agent that
// sends the reply back unchanged gets a next prompt that starts with this prompt + these ids.
// A script is certain of what it says: every logprob is 0.
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';
import type { ChatTokenizer } from '../tokens/chat-tokenizer.ts';

export interface LogprobEntry {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

export interface TokenAnswer {
  promptIds: number[];
  /** The content's ids, in pieces that each decode to whole characters (one stream chunk each). */
  content: Array<{ text: string; ids: number[] }>;
  /** The tool call's ids (the template's `<tool_call>` block), empty without one. */
  toolIds: number[];
  /** The stop token. */
  stopIds: number[];
  /** Every generated id, in order. */
  all: number[];
}

export function tokenAnswer(
  tokenizer: ChatTokenizer,
  body: ChatRequestBody,
  text: string,
  toolCall: { name: string; arguments: string } | null,
  stopToken: string,
): TokenAnswer {
  const promptIds = tokenizer.encode(tokenizer.renderPrompt(body));
  const call =
    toolCall && `<tool_call>\n{"name": "${toolCall.name}", "arguments": ${toolCall.arguments}}\n</tool_call>`;
  // encoded as one text, as the template renders it next turn: encoded apart, "." and "\n" at the
  // seam stay two tokens where the rendering makes one (".\n"), and the prefix would break there
  const generated = pieces(tokenizer, tokenizer.encode(call ? `${text}${text ? '\n' : ''}${call}` : text));
  const content: Array<{ text: string; ids: number[] }> = [];
  const toolIds: number[] = [];
  let at = 0;
  for (const p of generated) {
    if (at < text.length) content.push(p);
    else toolIds.push(...p.ids);
    at += p.text.length;
  }
  const stopIds = tokenizer.encode(stopToken);
  return { promptIds, content, toolIds, stopIds, all: [...generated.flatMap((p) => p.ids), ...stopIds] };
}

/** Ids grouped so that each group decodes to whole characters (a multi-byte character spans tokens). */
function pieces(tokenizer: ChatTokenizer, ids: number[]): Array<{ text: string; ids: number[] }> {
  const out: Array<{ text: string; ids: number[] }> = [];
  let group: number[] = [];
  for (const id of ids) {
    group.push(id);
    const text = tokenizer.decode(group);
    if (text.endsWith('\uFFFD')) continue;
    out.push({ text, ids: group });
    group = [];
  }
  if (group.length) out.push({ text: tokenizer.decode(group), ids: group });
  return out;
}

/** vLLM's `logprobs.content` for ids (`top` alternatives each, the token itself first). */
export function logprobsOf(tokenizer: ChatTokenizer, ids: readonly number[], top: number): LogprobEntry[] {
  return ids.map((id) => {
    const token = tokenizer.tokenText(id);
    const bytes = [...Buffer.from(token, 'utf8')];
    return { token, logprob: 0, bytes, top_logprobs: top > 0 ? [{ token, logprob: 0, bytes }] : [] };
  });
}
