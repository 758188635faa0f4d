// Double feed: a logical message in the prompt more often than the DataProxy replayed it (OpenClaw's
// stored transcript plus the replayed history), or prior content the DataProxy never sent.
import type { AlertEvidence, HistoryMessage, Turn } from '../../../../shared/domain.ts';
import { normalizeText, type LogicalMessage } from '../../../../shared/openclaw/prompt.ts';
import { defineDetector, type Finding } from '../detector.ts';
import { rewrittenIn } from './history-rewritten.ts';

/** A logical message present twice, or prior content the DataProxy did not replay. */
export function doubleFeed(
  prior: LogicalMessage[],
  history: HistoryMessage[],
  turn: Turn,
): Finding<'double_feed'> | null {
  const key = (role: string, text: string) => `${role}\u0000${normalizeText(text)}`;
  const sent = new Map<string, number>();
  for (const h of history) sent.set(key(h.role, h.content), (sent.get(key(h.role, h.content)) ?? 0) + 1);
  // an assistant message counts by its own text (the history holds what each turn said, not its tool
  // calls); one that holds only tool calls (an OpenAI-client agent's loop, replayed as sent) is the
  // agent's own, once: twice is still a double feed
  const toolOnly = (m: LogicalMessage) =>
    m.role === 'assistant' && m.content !== undefined && !normalizeText(m.content);
  const keyOf = (m: LogicalMessage) =>
    toolOnly(m) ? `tools\u0000${m.text}` : key(m.role, m.role === 'assistant' ? (m.content ?? m.text) : m.text);
  const seen = new Map<string, LogicalMessage[]>();
  for (const m of prior) seen.set(keyOf(m), [...(seen.get(keyOf(m)) ?? []), m]);
  const evidence: AlertEvidence[] = [];
  for (const [k, list] of seen) {
    const allowed = k.startsWith('tools\u0000') ? 1 : (sent.get(k) ?? 0);
    if (list.length <= allowed) continue;
    const m = list[0]!;
    const origins = list.map((x) => x.origin).join(' + ');
    evidence.push({
      text: `${m.role}: ${m.text.slice(0, 400)}`,
      detail:
        allowed === 0
          ? `not replayed by the DataProxy, yet in the prompt ${list.length}×`
          : `replayed ${allowed}× by the DataProxy, in the prompt ${list.length}× (${origins})`,
    });
  }
  if (evidence.length === 0) return null;
  return {
    kind: 'double_feed',
    message: `turn ${turn.index}'s prompt holds ${evidence.length} message(s) more often than the DataProxy sent them`,
    evidence,
    dedupe: `double:${turn.id}`,
  };
}

export const doubleFeedDetector = defineDetector({
  id: 'double-feed',
  reads: 'call',
  how:
    "the request is parsed into logical messages (`shared/openclaw/prompt.ts`: real messages, OpenClaw's flattened " +
    '"Chat messages since your last reply" block, its stored-transcript messages; timestamps, the Runtime line and ' +
    'ids removed) and compared, as a multiset, with the history the DataProxy replayed into that turn. Messages ' +
    '`history_rewritten` explains are not counted again',
  kinds: {
    double_feed: {
      label: 'double feed',
      severity: 'error',
      means:
        'a message reached the model more often than the DataProxy replayed it, or prior content reached it that ' +
        'the DataProxy never sent',
      fix:
        'let one side keep the history: a fresh OpenClaw session key per turn when the DataProxy replays it, ' +
        'or no replay when the gateway keeps its transcript',
    },
  },
  check: (c) =>
    c.turn
      ? doubleFeed(
          c.prior.filter((m) => !rewrittenIn(c).explained.has(m)),
          c.history,
          c.turn,
        )
      : null,
});
