// State carried over: workspace files one episode wrote are still there when the next one starts on
// the same gateway (OpenClaw injects some of them, e.g. AGENTS.md, into every system prompt). The
// OpenClaw runtime snapshots the workspace at each episode start and signals what changed.
import { defineDetector } from '../detector.ts';

export const stateCarryoverDetector = defineDetector({
  id: 'state-carryover',
  reads: 'state_left',
  how:
    "the gateway's `state/workspace` (the files OpenClaw injects into every system prompt, e.g. `AGENTS.md`) is " +
    'snapshotted at each episode start and compared with the previous start on the same gateway',
  kinds: {
    state_carryover: {
      label: 'state carried over',
      severity: 'error',
      means: 'workspace files written during one episode are still there when the next starts',
      fix: "use isolation 'fresh', or a tool profile that cannot write the workspace files OpenClaw injects",
    },
  },
  check: ({ episodeId, files }) =>
    files.length === 0
      ? null
      : {
          kind: 'state_carryover',
          message: `${files.length} workspace file(s) the previous episode wrote are still there as this one starts`,
          evidence: files.map((f) => ({ text: `${f.path}: ${f.preview}`, detail: f.change })),
          dedupe: `carryover:${episodeId}`,
        },
});
