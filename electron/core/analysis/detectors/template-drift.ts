// Template drift: the prompt token ids the server reports for a call differ from the recorded
// request rendered with the configured tokenizer and chat template (AReaL #1499: a proxy rendered the
// tool schemas otherwise than the server — field order, `strict: false` — so one trajectory had two
// sets of prompt ids). A trainer that re-renders the text trains on ids the model never saw. Each
// call of an episode re-encodes only what changed since the previous one (tokens/rendered-ids.ts).
import type { AnsweredRecord } from '../answered.ts';
import { defineDetector } from '../detector.ts';
import { encodeRendered, type RenderedIds } from '../../tokens/rendered-ids.ts';
import type { ChatTokenizer } from '../../tokens/chat-tokenizer.ts';

/** Each answered call's local rendering, kept as long as the call's record is (answered.ts bounds it). */
const renderings = new WeakMap<AnsweredRecord, RenderedIds>();

/** A difference this early means another template or vocabulary altogether, not a drift. */
const WRONG_TOKENIZER_BEFORE = 4;

function firstDifference(a: Int32Array, b: Int32Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function around(tok: ChatTokenizer, ids: Int32Array, at: number): string {
  return JSON.stringify(tok.decode([...ids.subarray(Math.max(0, at - 12), at + 12)]));
}

function tokenAt(tok: ChatTokenizer, ids: Int32Array, at: number): string {
  const id = ids[at];
  return id === undefined ? '(the prompt ends here)' : `${JSON.stringify(tok.tokenText(id))} [${id}]`;
}

export const templateDriftDetector = defineDetector({
  id: 'template-drift',
  reads: 'call_answered',
  how:
    "the call's request (messages and tools) is rendered with the configured chat template and encoded with " +
    "its tokenizer; the server's prompt token ids are compared with that, token for token, and the first " +
    'difference is named with the rendered text around it on both sides',
  kinds: {
    template_drift: {
      label: 'template drift',
      severity: 'warning',
      means:
        "the server's prompt token ids are not the configured template's rendering of the request: a trainer " +
        're-rendering the text trains on ids the model never saw',
      fix:
        "render with the server's own template and tokenizer (set tokenizer to the model's directory), " +
        "or train on the server's ids",
    },
  },
  check: ({ call, record, earlier, request, tokenizer }) => {
    const tok = tokenizer();
    if (!tok?.hasTemplate) return null;
    let local: RenderedIds;
    try {
      const prior = earlier.map((e) => renderings.get(e)).find((r) => r !== undefined) ?? null;
      local = encodeRendered(tok, tok.renderPrompt(request), prior);
    } catch {
      return null; // a request the template cannot render: nothing to compare (the server rendered it)
    }
    renderings.set(record, local);
    const server = record.promptIds;
    const at = firstDifference(local.ids, server);
    if (at === local.ids.length && at === server.length) return null;
    if (at < WRONG_TOKENIZER_BEFORE)
      return {
        kind: 'template_drift',
        message:
          `the server's prompt differs from ${tok.name}'s rendering from token ${at} on: this tokenizer and ` +
          "template are likely not the server's, so no call of this session can be checked against them",
        evidence: [{ text: `server ${tokenAt(tok, server, at)}, ${tok.name} ${tokenAt(tok, local.ids, at)}` }],
        dedupe: `template-drift-tokenizer:${call.sessionKey}`,
      };
    const sameText = tok.decode([...server]) === local.text;
    return {
      kind: 'template_drift',
      message:
        `the server's prompt ids differ from ${tok.name}'s rendering of the request at position ${at} ` +
        `(${server.length} ids from the server, ${local.ids.length} rendered here)` +
        (sameText ? ': the same text, tokenized otherwise' : ': the server rendered other text'),
      evidence: [
        {
          text:
            `position ${at}: the server has ${tokenAt(tok, server, at)}, ` +
            `the rendering ${tokenAt(tok, local.ids, at)}`,
          detail: `server …${around(tok, server, at)}…; rendered …${around(tok, local.ids, at)}…`,
          tokenPosition: at,
        },
      ],
      dedupe: `template-drift:${call.id}`,
    };
  },
});
