// History not reset: an episode's first turn that reached the model with earlier user messages.
import { defineDetector, MAX_EVIDENCE } from '../detector.ts';

export const historyNotResetDetector = defineDetector({
  id: 'history-not-reset',
  reads: 'call',
  how: "prior user messages in the first turn's request",
  kinds: {
    history_not_reset: {
      label: 'history not reset',
      severity: 'error',
      means: "an episode's first turn reached the model with earlier conversation",
      fix: 'start each episode with an empty history and a new key (`/rl/start_session`, a fresh OpenClaw session key)',
    },
  },
  check: ({ turn, prior, episodeIndex }) => {
    if (!turn || turn.index !== 0 || !prior.some((m) => m.role === 'user')) return null;
    return {
      kind: 'history_not_reset',
      message: `the first turn of episode ${episodeIndex} reached the model with ${prior.length} earlier messages`,
      evidence: prior.slice(0, MAX_EVIDENCE).map((m) => ({ text: `${m.role}: ${m.text.slice(0, 300)}` })),
      dedupe: `reset:${turn.id}`,
    };
  },
});
