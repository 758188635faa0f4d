// Long work the UI shows as it happens: a lab run, a group of rollouts, a replay, the sample task —
// each with its current step, how far it is where that is known, and when it started.

export const PROGRESS_KINDS = ['sample', 'lab', 'group', 'replay'] as const;
export type ProgressKind = (typeof PROGRESS_KINDS)[number];

export interface Progress {
  id: string;
  kind: ProgressKind;
  title: string;
  /** What it is doing now ("starting the gateway", "turn 2 of 4"). */
  step: string;
  /** Steps done and in all, where known (turns). */
  done: number | null;
  total: number | null;
  startedAt: number;
  /** Set when it finished (well or not). */
  endedAt: number | null;
  /** Why it failed, if it did. */
  error: string | null;
}
