// Token prefix break: within an episode, a call whose request only extends an earlier one (the same
// messages, then that call's answer, then more) should reach the model as the earlier prompt plus
// the tokens the model generated, token for token. Where it does not, a trainer that joins the two
// (AReaL's `concat`) puts loss on tokens the model never generated, with other tokens' logprobs.
// Compares the server's own prompt ids; names the first position that differs and the likely cause.
import type { AnsweredRecord } from '../answered.ts';
import { defineDetector } from '../detector.ts';
import type { ChatTokenizer } from '../../tokens/chat-tokenizer.ts';

/** Whether `later`'s messages are `earlier`'s followed by an assistant message (its answer) and more. */
function extendsCall(later: AnsweredRecord, earlier: AnsweredRecord): boolean {
  const n = earlier.shape.keys.length;
  return (
    later.shape.keys.length > n + 1 &&
    later.shape.assistants.has(n) &&
    earlier.shape.keys.every((k, i) => later.shape.keys[i] === k)
  );
}

function firstDifference(expected: Int32Array, actual: Int32Array): number {
  const n = Math.min(expected.length, actual.length);
  let i = 0;
  while (i < n && expected[i] === actual[i]) i++;
  return i;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** The likeliest reason, from what the answer held and how it came back. */
function causeOf(base: AnsweredRecord, later: AnsweredRecord, at: number, tok: ChatTokenizer | null): string {
  if (at < base.promptIds.length)
    return 'the earlier prompt itself is rendered differently now (system prompt, tools or an earlier message changed)';
  const replayed = later.shape.assistants.get(base.shape.keys.length)!;
  const generated = tok ? tok.decode([...base.outputIds]) : '';
  if (base.answer.reasoning || generated.includes('<think>'))
    return "reasoning stripped by the chat template (Qwen3's drops <think>…</think> from earlier turns)";
  const args = base.answer.toolArgs;
  if (
    args.some(
      (a, i) => replayed.toolArgs[i] !== undefined && replayed.toolArgs[i] !== a && sameJson(a, replayed.toolArgs[i]!),
    )
  )
    return 'tool-call arguments re-serialized (the same JSON, other text)';
  if (tok) {
    const squash = (ids: Int32Array) => tok.decode([...ids.slice(at, at + 32)]).replace(/\s+/g, '');
    const [e, a] = [squash(Int32Array.from([...base.promptIds, ...base.outputIds])), squash(later.promptIds)];
    if (e.length > 0 && (e.startsWith(a) || a.startsWith(e)))
      return 'whitespace merged across the boundary (the same text, other tokens at the seam)';
  }
  if (replayed.text.trim() !== base.answer.text.trim()) return 'the answer was replayed rewritten';
  return 'the template renders the conversation otherwise than it was generated';
}

export const tokenPrefixBreakDetector = defineDetector({
  id: 'token-prefix-break',
  reads: 'call_answered',
  how:
    "the server's prompt token ids of a call whose messages only extend an earlier call of the episode (its " +
    "messages, then its answer) are compared with that call's prompt + generated ids; the first position that " +
    'differs is named, with the tokens on each side (decoded with the configured tokenizer) and the likely cause',
  kinds: {
    token_prefix_break: {
      label: 'token prefix break',
      severity: 'error',
      means:
        'a later prompt does not start with the earlier prompt + the tokens the model generated: joined for ' +
        'training, loss would fall on tokens the model never produced',
      fix: 'keep reasoning and tool arguments in history as generated, or train on each call alone (individual)',
    },
  },
  check: ({ call, record, earlier, tokenizer }) => {
    const base = earlier.find((e) => extendsCall(record, e));
    if (!base) return null;
    const expected = Int32Array.from([...base.promptIds, ...base.outputIds]);
    const at = firstDifference(expected, record.promptIds);
    if (at === expected.length) return null;
    const tok = tokenizer();
    const show = (ids: Int32Array) => {
      const id = ids[at];
      if (id === undefined) return '(the prompt ends here)';
      return `${JSON.stringify(tok ? tok.tokenText(id) : '?')} [${id}]`;
    };
    const around = (ids: Int32Array) =>
      tok ? JSON.stringify(tok.decode([...ids.slice(Math.max(0, at - 8), at + 8)])) : '(no tokenizer to decode)';
    const cause = causeOf(base, record, at, tok);
    return {
      kind: 'token_prefix_break',
      message: `the prompt breaks from the earlier call's prompt + generated tokens at position ${at}: ${cause}`,
      evidence: [
        {
          text:
            `position ${at} of ${record.promptIds.length}: expected ${show(expected)}, ` +
            `the server rendered ${show(record.promptIds)}`,
          detail: `expected …${around(expected)}…; rendered …${around(record.promptIds)}…; earlier call ${base.callId}`,
          sourceTurnId: base.turnId,
          sourceEpisodeId: call.episodeId,
          tokenPosition: at,
          sourceCallId: base.callId,
        },
      ],
      dedupe: `token-prefix:${call.id}`,
    };
  },
});
