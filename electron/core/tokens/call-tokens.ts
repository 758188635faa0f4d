// A recorded call's tokens for the token view: the server's prompt and generated ids, each decoded
// alone with the configured tokenizer, special tokens marked, the generated ids' logprobs, and the
// request as the configured template renders it. Decoding runs on the engine's thread: the
// tokenizer loads once (≈ 0.6 s), and each id's text is cached, so a 100k-token call is a lookup each.
import type { CallTokens, TokenSide } from '../../../shared/api.ts';
import type { UpstreamCallDetail } from '../../../shared/domain.ts';
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';
import { loadTokenizer, type ChatTokenizer } from './chat-tokenizer.ts';

function side(tok: ChatTokenizer | null, ids: number[]): TokenSide {
  const texts = tok ? tok.tokenTexts(ids) : ids.map(() => '');
  const special = tok ? ids.flatMap((id, i) => (tok.isSpecial(id) ? [i] : [])) : [];
  return { ids, texts, special };
}

function logprobsOf(entries: unknown[] | null, n: number): Array<number | null> | null {
  if (!Array.isArray(entries) || entries.length === 0) return null;
  return Array.from({ length: n }, (_, i) => {
    const v = (entries[i] as { logprob?: unknown } | undefined)?.logprob;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  });
}

export function callTokens(call: UpstreamCallDetail, tokenizerSource: string | null): CallTokens {
  let tok: ChatTokenizer | null = null;
  let tokenizerError: string | null = null;
  try {
    tok = loadTokenizer(tokenizerSource);
  } catch (err) {
    tokenizerError = (err as Error).message;
  }
  const r = call.response;
  const has = Array.isArray(r?.promptTokenIds) && Array.isArray(r?.tokenIds);
  let rendered: string | null = null;
  if (tok?.hasTemplate) {
    try {
      rendered = tok.renderPrompt(JSON.parse(call.requestBody) as ChatRequestBody);
    } catch {
      rendered = null; // a request the template cannot render: the view says so
    }
  }
  return {
    callId: call.id,
    tokenizer: tok?.name ?? null,
    tokenizerError,
    prompt: has ? side(tok, r!.promptTokenIds!) : null,
    generated: has ? side(tok, r!.tokenIds!) : null,
    logprobs: has ? logprobsOf(r!.logprobs, r!.tokenIds!.length) : null,
    rendered,
  };
}
