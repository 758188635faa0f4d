// History rewritten: an earlier answer replayed into a later prompt differently from what the model
// produced — cut short (AReaL's seed agent service keeps only the first 200 characters of a reply),
// reformatted or reworded. Every later training prompt of the episode then teaches the model a
// conversation that never happened, silently. Each replayed assistant message is compared with the
// answers the episode's turns really got: equal is fine; a prefix of one is a truncation; where the
// prompt's user messages are exactly the turns' messages, an answer in the place of turn k that is
// not turn k's answer is a replacement; mostly the same words is a rewrite; other unrelated text is
// left to the cross-episode and double-feed detectors.
import type { AlertEvidence, HistoryMessage, Turn } from '../../../../shared/domain.ts';
import { normalizeText, type LogicalMessage } from '../../../../shared/openclaw/prompt.ts';
import type { CallContext } from '../call-context.ts';
import { defineDetector, type Finding } from '../detector.ts';
import { normalizeForMatch } from '../fingerprint.ts';

type Rewritten = { finding: Finding<'history_rewritten'> | null; explained: Set<LogicalMessage> };

const MIN_CUT_CHARS = 8;
const SAME_WORDS = 0.5;

function words(text: string): Set<string> {
  return new Set(normalizeForMatch(text).split(' ').filter(Boolean));
}

function overlap(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const w of a) if (b.has(w)) both++;
  const union = a.size + b.size - both;
  return union === 0 ? 0 : both / union;
}

/**
 * The finding, and the replayed messages it explains (so double feed does not count a rewritten
 * answer a second time as content the DataProxy never sent).
 */
export function historyRewritten(prior: LogicalMessage[], history: HistoryMessage[], turn: Turn): Rewritten {
  const explained = new Set<LogicalMessage>();
  const said = history
    .filter((h) => h.role === 'assistant')
    .map((h) => normalizeText(h.content))
    .filter(Boolean);
  if (said.length === 0) return { finding: null, explained };
  const answers = answersByTurn(prior, history);
  const evidence: AlertEvidence[] = [];
  let userSeen = -1;
  for (const m of prior) {
    if (m.role === 'user') userSeen++;
    if (m.role !== 'assistant') continue;
    // its text only: the history holds what each turn said, not its tool calls (an agent that keeps
    // its tool-call messages in the conversation, as OpenAI-client agents do, replays them as sent)
    const replayed = normalizeText(m.content ?? m.text);
    if (!replayed || said.includes(replayed)) continue;
    const stem = replayed.replace(/(\.{3}|…)$/, '').trimEnd();
    const original = said.find((s) => stem.length >= MIN_CUT_CHARS && s.startsWith(stem));
    if (original) {
      evidence.push({
        text: `replayed: ${m.text.slice(0, 300)}`,
        detail: `cut to ${stem.length} of ${original.length} characters; the model answered: ${original.slice(0, 300)}`,
      });
      explained.add(m);
      continue;
    }
    const expected = userSeen >= 0 ? answers?.[userSeen] : undefined;
    // a turn of several calls (text, a tool call, then the answer) replayed as one message, its
    // answers joined in order, as OpenClaw's turn reply and the DataProxy's history give it
    if (expected && expected.length > 1 && normalizeText(expected.join(' ')) === replayed) {
      explained.add(m);
      continue;
    }
    if (expected?.length) {
      evidence.push({
        text: `replayed: ${m.text.slice(0, 300)}`,
        detail: `in the place of turn ${userSeen}'s answer; the model answered: ${expected.join(' ').slice(0, 300)}`,
      });
      explained.add(m);
      continue;
    }
    const mine = words(replayed);
    const closest = said.map((s) => ({ s, score: overlap(mine, words(s)) })).sort((a, b) => b.score - a.score)[0]!;
    if (closest.score >= SAME_WORDS) {
      evidence.push({
        text: `replayed: ${m.text.slice(0, 300)}`,
        detail: `reworded; the model answered: ${closest.s.slice(0, 300)}`,
      });
      explained.add(m);
    }
  }
  if (evidence.length === 0) return { finding: null, explained };
  const finding: Finding<'history_rewritten'> = {
    kind: 'history_rewritten',
    message: `turn ${turn.index}'s prompt replays ${evidence.length} earlier answer(s) unlike what the model said`,
    evidence,
    dedupe: `rewritten:${turn.id}`,
  };
  return { finding, explained };
}

/**
 * The answers of each turn, when the prompt's user messages are exactly the turns' messages in order
 * (so the k-th user message of the prompt is turn k's); otherwise null: nothing to align by.
 */
function answersByTurn(prior: LogicalMessage[], history: HistoryMessage[]): string[][] | null {
  const promptUsers = prior.filter((m) => m.role === 'user').map((m) => normalizeText(m.text));
  const turns: Array<{ user: string; answers: string[] }> = [];
  for (const h of history) {
    if (h.role === 'user') turns.push({ user: normalizeText(h.content), answers: [] });
    else if (normalizeText(h.content)) turns.at(-1)?.answers.push(normalizeText(h.content));
  }
  if (turns.length === 0 || promptUsers.length !== turns.length) return null;
  if (promptUsers.some((u, i) => u !== turns[i]!.user)) return null;
  return turns.map((t) => t.answers);
}

const NOTHING: Rewritten = { finding: null, explained: new Set() };

/** The call's rewritten answers, worked out once (double feed leaves out the messages explained here). */
export function rewrittenIn(c: CallContext): Rewritten {
  return c.memo('history-rewritten', () => (c.turn ? historyRewritten(c.prior, c.history, c.turn) : NOTHING));
}

export const historyRewrittenDetector = defineDetector({
  id: 'history-rewritten',
  reads: 'call',
  how:
    "each replayed assistant message is compared with the answers the episode's turns really got: a prefix of one " +
    "(≥ 8 characters, a trailing `…` ignored) is a cut; where the prompt's user messages are exactly the turns' " +
    "messages, an answer in turn k's place that is not turn k's is a replacement; ≥ 50 % of the same words is a " +
    'rewording. Messages it explains are not counted again as double feed',
  kinds: {
    history_rewritten: {
      label: 'history rewritten',
      severity: 'error',
      means:
        'an answer replayed in a later prompt differs from what the model produced for that turn (cut short, ' +
        'reworded, replaced) — every later training prompt of the episode then teaches a conversation that never ' +
        'happened',
      fix: "replay the model's answers verbatim in the history the agent sends (no summary, no truncation)",
    },
  },
  check: (c) => rewrittenIn(c).finding,
});
