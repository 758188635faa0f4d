// Cross-episode leakage: content of an earlier episode of the same session in a later episode's
// prompt. Only what is not the episode's own is matched — prior messages the DataProxy did not
// replay, and the system prompt beyond its static baseline — against the session's index of what
// its earlier episodes said (each shingle credited to the most recent episode that said it). The
// index is held to a memory budget (memory.ts): the oldest content is the first let go.
import type { AlertEvidence } from '../../../shared/domain.ts';
import type { Shingles } from './fingerprint.ts';
import type { Finding } from './findings.ts';
import type { SessionPrints, ShingleSource } from './prints.ts';

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

export function crossEpisode(p: SessionPrints, x: CrossEpisodeInput): Finding[] {
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
  const out: Finding[] = [];
  for (const [epId, { source, hashes }] of bySource) {
    const evidence: AlertEvidence[] = [];
    for (const [c, hs] of hashes) {
      const detail = c === x.system ? 'in the system prompt' : 'in the messages';
      for (const span of c.spans(hs))
        evidence.push({ text: span, sourceEpisodeId: epId, sourceTurnId: source.turnId, detail });
    }
    out.push({
      kind: 'cross_episode',
      severity: 'error',
      message: `content of episode ${source.index} reached episode ${x.episodeIndex}'s prompt`,
      evidence,
      dedupe: `cross:${x.scope}:${epId}`,
    });
  }
  return out;
}
