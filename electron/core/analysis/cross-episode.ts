// Cross-episode leakage: content of an earlier episode of the same session in a later episode's
// prompt. Only what is not the episode's own is matched — prior messages the DataProxy did not
// replay, and the system prompt beyond its static baseline — against earlier episodes' shingles.
import type { AlertEvidence } from '../../../shared/domain.ts';
import type { Shingles } from './fingerprint.ts';
import type { Finding } from './findings.ts';
import type { SessionPrints } from './prints.ts';

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
  const candidates = [x.system, ...x.unexplained];
  const bySource = new Map<string, { turnId: string | null; hashes: Map<Shingles, number[]> }>();
  for (const [epId, ep] of p.episodes) {
    if (epId === x.episodeId || ep.index >= x.episodeIndex) continue;
    for (const c of candidates) {
      for (const h of c.starts.keys()) {
        if (x.own.has(h) || p.baseline?.has(h)) continue;
        const hit = ep.shingles.get(h);
        if (!hit) continue;
        const src = bySource.get(epId) ?? { turnId: hit.turnId, hashes: new Map() };
        src.hashes.set(c, [...(src.hashes.get(c) ?? []), h]);
        bySource.set(epId, src);
      }
    }
  }
  const out: Finding[] = [];
  for (const [epId, src] of bySource) {
    const evidence: AlertEvidence[] = [];
    for (const [c, hashes] of src.hashes) {
      const detail = c === x.system ? 'in the system prompt' : 'in the messages';
      for (const span of c.spans(hashes))
        evidence.push({ text: span, sourceEpisodeId: epId, sourceTurnId: src.turnId, detail });
    }
    out.push({
      kind: 'cross_episode',
      severity: 'error',
      message: `content of episode ${p.episodes.get(epId)!.index} reached episode ${x.episodeIndex}'s prompt`,
      evidence,
      dedupe: `cross:${x.scope}:${epId}`,
    });
  }
  return out;
}
