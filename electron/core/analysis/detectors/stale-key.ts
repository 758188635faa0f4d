// Stale key: a call with the key of an episode that has ended. The recorder refuses it (401) and
// signals it; this says so where the user looks.
import { defineDetector } from '../detector.ts';

export const staleKeyDetector = defineDetector({
  id: 'stale-key',
  reads: 'stale_key_use',
  how: 'the recorder refuses the call (401) and signals it',
  kinds: {
    stale_key: {
      label: 'stale key',
      severity: 'error',
      means: 'a call used the key of an ended episode',
      fix: "rebind the gateway to the new episode's key before calling, and stop work left over from the ended one",
    },
  },
  check: ({ episodeId, episode }) => {
    const ended = episode?.endedAt ? new Date(episode.endedAt).toISOString() : '?';
    return {
      kind: 'stale_key',
      message: `an upstream call used the key of episode ${episode?.index ?? '?'}, which has ended`,
      evidence: [
        {
          text: `key ${episode?.upstreamKey.slice(0, 14)}… of episode ${episodeId} (ended ${ended})`,
          sourceEpisodeId: episodeId,
        },
      ],
      // once a second at most: a retrying client would bury the list
      dedupe: `stale:${episodeId}:${Date.now() >> 10}`,
    };
  },
});
