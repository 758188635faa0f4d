// Asking a model server for the truth in tokens: the recorder adds `return_token_ids` and
// `logprobs` to a request that did not ask for them (vLLM answers with the prompt's and the
// reply's ids and their logprobs), so every call can be checked token by token. The agent's request
// is stored byte-exact; what is forwarded differs only by those fields, inserted before the body's
// closing brace (every other byte as sent). The answer the agent gets has them taken out again —
// it is what it would have received. A server that refuses them is asked again without, and not
// asked again (the recorder says so once).

/** The fields the recorder may add, each with what it makes a server answer. */
export const TOKEN_FIELDS = ['return_token_ids', 'logprobs'] as const;
export type TokenField = (typeof TOKEN_FIELDS)[number];

/** The request with the token fields it lacks added (none when it is not a JSON object). */
export function askForTokens(bytes: Buffer, body: Record<string, unknown>): { bytes: Buffer; added: TokenField[] } {
  const added = TOKEN_FIELDS.filter((f) => !(f in body));
  const text = bytes.toString('utf8');
  const close = text.trimEnd().length - 1;
  if (added.length === 0 || text[close] !== '}') return { bytes, added: [] };
  const empty = /^\{\s*$/.test(text.slice(0, close));
  const fields = added.map((f) => `"${f}":true`).join(',');
  return { bytes: Buffer.from(`${text.slice(0, close)}${empty ? '' : ','}${fields}${text.slice(close)}`), added };
}

/** An answer (a whole completion or one stream chunk) without the fields only the recorder asked for. */
export function withoutAdded(answer: unknown, added: readonly TokenField[]): unknown {
  if (!answer || typeof answer !== 'object' || added.length === 0) return answer;
  const a = { ...(answer as Record<string, unknown>) };
  if (added.includes('return_token_ids')) delete a.prompt_token_ids;
  if (Array.isArray(a.choices))
    a.choices = a.choices.map((c: unknown) => {
      if (!c || typeof c !== 'object') return c;
      const choice = { ...(c as Record<string, unknown>) };
      if (added.includes('return_token_ids')) delete choice.token_ids;
      // OpenAI-style servers write `logprobs: null` when none were asked for
      if (added.includes('logprobs') && 'logprobs' in choice) choice.logprobs = null;
      return choice;
    });
  return a;
}

/** Whether an error answer is a refusal of the fields (a 400/422 naming one of them). */
export function refusesTokenFields(status: number, text: string, added: readonly TokenField[]): boolean {
  return (status === 400 || status === 422) && added.some((f) => text.includes(f));
}
