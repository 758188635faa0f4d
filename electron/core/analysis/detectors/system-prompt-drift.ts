// System prompt drift: lines an episode's system prompt gained or lost against the previous
// episode's. Host-only details are not content: the per-request Runtime line, and the path of the
// gateway that served the episode (a fresh gateway per episode, a replay, a lab run or an import
// of sessions served by different gateways names a different workspace dir in the same prompt).
import { normalizeText, withoutGatewayPaths } from '../../../../shared/openclaw/prompt.ts';
import { defineDetector, type Finding } from '../detector.ts';

export function systemPromptDrift(
  previous: { episodeId: string; system: string },
  system: string,
  episodeId: string | null,
  index: number,
): Finding<'system_prompt_drift'> | null {
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
    message: `the system prompt of episode ${index} differs from the previous episode's (${counts})`,
    evidence: [
      ...added.map((l) => ({ text: `+ ${l}`, sourceEpisodeId: previous.episodeId })),
      ...removed.map((l) => ({ text: `- ${l}`, sourceEpisodeId: previous.episodeId })),
    ],
    dedupe: `drift:${episodeId}`,
  };
}

export const systemPromptDriftDetector = defineDetector({
  id: 'system-prompt-drift',
  reads: 'call',
  how:
    "on an episode's first analyzed call, a line diff of the normalized system prompt against the previous " +
    "episode's (the Runtime line and gateway workspace paths left out); the added and removed lines are the evidence",
  kinds: {
    system_prompt_drift: {
      label: 'system prompt drift',
      severity: 'warning',
      means: "the system prompt of an episode differs from the previous episode's",
      fix:
        'keep workspace files, skills and tools the same across episodes, or confirm the lines added were meant ' +
        '(a tool or skill installed mid-run)',
    },
  },
  check: (c) => {
    const p = c.prints;
    if (!p.firstCall(c.call.episodeId, c.indexOf(c.call.episodeId))) return null;
    const previous = p.lastSystem;
    p.lastSystem = { episodeId: c.call.episodeId, system: c.parsed.system };
    return previous ? systemPromptDrift(previous, c.parsed.system, c.call.episodeId, c.episodeIndex) : null;
  },
});
