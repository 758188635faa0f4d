// System prompt drift: lines an episode's system prompt gained or lost against the previous
// episode's. Host-only details are not content: the per-request Runtime line, and the path of the
// gateway that served the episode (a fresh gateway per episode, a replay, a lab run or an import
// of sessions served by different gateways names a different workspace dir in the same prompt).
import { normalizeText, withoutGatewayPaths } from '../../../shared/openclaw/prompt.ts';
import type { Finding } from './findings.ts';

export function systemPromptDrift(
  previous: { episodeId: string; system: string },
  system: string,
  episodeId: string | null,
  index: number,
): Finding | null {
  const norm = (s: string) =>
    s
      .split('\n')
      .map((l) => normalizeText(withoutGatewayPaths(l.replace(/^Runtime: agent=.*$/, ''))))
      .filter(Boolean);
  const before = new Set(norm(previous.system));
  const after = norm(system);
  const added = after.filter((l) => !before.has(l));
  const removed = [...before].filter((l) => !after.includes(l));
  if (added.length === 0 && removed.length === 0) return null;
  const counts = `${added.length} lines added, ${removed.length} removed`;
  return {
    kind: 'system_prompt_drift',
    severity: 'warning',
    message: `the system prompt of episode ${index} differs from the previous episode's (${counts})`,
    evidence: [
      ...added.map((l) => ({ text: `+ ${l}`, sourceEpisodeId: previous.episodeId })),
      ...removed.map((l) => ({ text: `- ${l}`, sourceEpisodeId: previous.episodeId })),
    ],
    dedupe: `drift:${episodeId}`,
  };
}
