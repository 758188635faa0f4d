// Double feed and history not reset: what the model saw before the current message, against what
// the DataProxy replayed. A logical message more often than replayed (OpenClaw's stored transcript
// plus the replayed history) is double feed; any earlier user message at an episode's first turn
// means the history was not reset.
import type { AlertEvidence, Turn } from '../../../shared/domain.ts';
import { normalizeText, type LogicalMessage } from '../../../shared/openclaw/prompt.ts';
import { MAX_EVIDENCE, type Finding } from './findings.ts';

/** A logical message present twice, or prior content the DataProxy did not replay. */
export function doubleFeed(
  prior: LogicalMessage[],
  history: Array<{ role: string; content: string }>,
  turn: Turn,
): Finding | null {
  const key = (role: string, text: string) => `${role}\u0000${normalizeText(text)}`;
  const sent = new Map<string, number>();
  for (const h of history) sent.set(key(h.role, h.content), (sent.get(key(h.role, h.content)) ?? 0) + 1);
  const seen = new Map<string, LogicalMessage[]>();
  for (const m of prior) seen.set(key(m.role, m.text), [...(seen.get(key(m.role, m.text)) ?? []), m]);
  const evidence: AlertEvidence[] = [];
  for (const [k, list] of seen) {
    const allowed = sent.get(k) ?? 0;
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
    severity: 'error',
    message: `turn ${turn.index}'s prompt holds ${evidence.length} message(s) more often than the DataProxy sent them`,
    evidence,
    dedupe: `double:${turn.id}`,
  };
}

/** An episode's first turn that reached the model with earlier messages. */
export function historyNotReset(prior: LogicalMessage[], turn: Turn, episodeIndex: number): Finding | null {
  if (turn.index !== 0 || !prior.some((m) => m.role === 'user')) return null;
  return {
    kind: 'history_not_reset',
    severity: 'error',
    message: `the first turn of episode ${episodeIndex} reached the model with ${prior.length} earlier messages`,
    evidence: prior.slice(0, MAX_EVIDENCE).map((m) => ({ text: `${m.role}: ${m.text.slice(0, 300)}` })),
    dedupe: `reset:${turn.id}`,
  };
}
