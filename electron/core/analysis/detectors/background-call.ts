// Background call: an upstream call with an episode's key while no turn of its session was in flight.
import { defineDetector } from '../detector.ts';

export const backgroundCallDetector = defineDetector({
  id: 'background-call',
  reads: 'call',
  how: "the recorder's turn attribution (OpenClaw's heartbeat, skill workshop or memory work look like this)",
  kinds: {
    background_call: {
      label: 'call outside any turn',
      severity: 'warning',
      means: 'a call arrived while no turn of its session was in flight',
      fix: "turn off the gateway's background work (heartbeat, memory, skill jobs) in the config used for training",
    },
  },
  check: ({ call, parsed }) =>
    call.outsideTurn
      ? {
          kind: 'background_call',
          message: 'an upstream call arrived while no turn of its session was in flight (background work)',
          evidence: [{ text: parsed.current?.text.slice(0, 500) ?? '(no user message)' }],
          dedupe: `bg:${call.id}`,
        }
      : null,
});
