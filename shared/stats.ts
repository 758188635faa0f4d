// What the charts draw beside the resource history: rewards per episode (with where each came from)
// and each call's timings and sizes. Raw per-item numbers, binned where they are drawn.

export const REWARD_SPLITS = ['human', 'api', 'default', 'unlabeled'] as const;
/** Where an episode's reward came from; unlabeled: it has none. */
export type RewardSplit = (typeof REWARD_SPLITS)[number];
/** Equal-width bins of the reward histograms over `domain`. */
export const REWARD_BINS = 20;
/** Tasks that get a histogram row of their own (most episodes first); the rest share "other tasks". */
export const REWARD_TASK_ROWS = 8;
/** The alert timeline's bucket sizes: each divides the next, and buckets start at multiples of their size. */
export const ALERT_BUCKETS_MS = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];

/** Rewards counted in SQL over every episode (or one session's): each episode's latest episode-level reward. */
export interface RewardStats {
  /** Ended episodes by where their reward came from: labeling progress. */
  progress: Record<RewardSplit, number>;
  /** The rewards' range, widened to include 0–1. */
  domain: [number, number];
  /** The histogram, per task row and source. */
  bins: Array<{ task: string; source: Exclude<RewardSplit, 'unlabeled'>; x1: number; x2: number; count: number }>;
  /** Per task (most episodes first, at most 1,000 tasks): episodes by source, and the rewards' mean and range. */
  tasks: Array<{
    task: string;
    episodes: number;
    bySplit: Record<RewardSplit, number>;
    mean: number | null;
    min: number | null;
    max: number | null;
  }>;
  /** The session asked for: its episodes in order with their rewards (the first 10,000); null: all sessions. */
  session: Array<{ index: number; reward: number | null; source: RewardSplit }> | null;
}

/** Complete and failed calls, newest first, as columns (null: not known for that call). */
export interface CallStats {
  /** Sent → first byte, ms. */
  ttfbMs: Array<number | null>;
  /** Sent → last byte, ms. */
  durationMs: Array<number | null>;
  /** From the server's usage, else its token ids; null when it said neither. */
  promptTokens: Array<number | null>;
  completionTokens: Array<number | null>;
  requestBytes: number[];
  /** More calls than are sent (100,000): the newest are. */
  truncated: boolean;
}

/** Each turn's largest prompt: tokens where the server said them for every turn, else bytes for all. */
export interface PromptSizes {
  unit: 'tokens' | 'bytes';
  turns: Array<{ turnId: string; index: number; size: number; calls: number }>;
}

/** Alerts raised over time, by kind, in buckets of `bucketMs` (as few as make ≤ 120 buckets). */
export interface AlertTimes {
  bucketMs: number;
  buckets: Array<{ at: number; kind: string; count: number }>;
}
