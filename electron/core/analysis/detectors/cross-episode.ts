// Cross-episode leakage: content of an earlier episode of the same session in a later episode's
// prompt. Only what is not the episode's own is matched — prior messages the DataProxy did not
// replay, and the system prompt beyond its static baseline — against the session's index of what
// its earlier episodes said (each shingle credited to the most recent episode that said it). The
// index is held to a memory budget (memory.ts): the oldest content is the first let go.
import type { AlertEvidence } from '../../../../shared/domain.ts';
import { defineDetector, type Finding } from '../detector.ts';
import type { Shingles } from '../fingerprint.ts';
import type { SessionPrints, ShingleSource } from '../prints.ts';

export interface CrossEpisodeInput {
  episodeId: string;
  episodeIndex: number;
  system: Shingles;
  /** Prior messages the DataProxy did not replay, shingled. */
  unexplained: Shingles[];
  /** Shingles of the episode's own replayed history and current message. */
  own: Set<number>;
  /** What the alerts are deduplicated by (the turn, else the call). */
  scope: string;
}

export function crossEpisode(p: SessionPrints, x: CrossEpisodeInput): Finding<'cross_episode'>[] {
  const bySource = new Map<string, { source: ShingleSource; hashes: Map<Shingles, number[]> }>();
  for (const c of [x.system, ...x.unexplained]) {
    for (const h of c.starts.keys()) {
      if (x.own.has(h) || p.baseline?.has(h)) continue;
      const source = p.ownerOf(h);
      if (!source || source.episodeId === x.episodeId || source.index >= x.episodeIndex) continue;
      const hit = bySource.get(source.episodeId) ?? { source, hashes: new Map() };
      hit.hashes.set(c, [...(hit.hashes.get(c) ?? []), h]);
      bySource.set(source.episodeId, hit);
    }
  }
  const out: Finding<'cross_episode'>[] = [];
  for (const [epId, { source, hashes }] of bySource) {
    const evidence: AlertEvidence[] = [];
    for (const [c, hs] of hashes) {
      const detail = c === x.system ? 'in the system prompt' : 'in the messages';
      for (const span of c.spans(hs))
        evidence.push({ text: span, sourceEpisodeId: epId, sourceTurnId: source.turnId, detail });
    }
    out.push({
      kind: 'cross_episode',
      message: `content of episode ${source.index} reached episode ${x.episodeIndex}'s prompt`,
      evidence,
      dedupe: `cross:${x.scope}:${epId}`,
    });
  }
  return out;
}

export const crossEpisodeDetector = defineDetector({
  id: 'cross-episode',
  reads: 'call',
  how:
    "every finished turn's message, reply and tool-call arguments become its episode's fingerprint (5-word " +
    "shingles, normalized, hashed). A prompt's content that is not the episode's own (not replayed by the " +
    "DataProxy, not the current message) — and its system prompt beyond the session's static baseline — is matched " +
    'against earlier episodes; the alert names the source episode and turn',
  kinds: {
    cross_episode: {
      label: 'cross-episode content',
      severity: 'error',
      means: "content of an earlier episode of the session is in a later episode's prompt",
      fix:
        'start each episode from clean gateway state (isolation rebind or fresh) with a new key; keep memory and ' +
        'workspace files from carrying over',
    },
  },
  check: (c) => {
    const systemNew = [...c.system.starts.keys()].some((h) => !c.prints.baseline!.has(h));
    if (c.unexplained.length === 0 && !systemNew) return null;
    return crossEpisode(c.prints, {
      episodeId: c.call.episodeId,
      episodeIndex: c.episodeIndex,
      system: c.system,
      unexplained: c.unexplained,
      own: c.own,
      scope: c.scope,
    });
  },
});
