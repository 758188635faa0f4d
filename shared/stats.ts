// What the charts draw beside the resource history: rewards per episode (with where each came from)
// and each call's timings and sizes. Raw per-item numbers, binned where they are drawn.
import type { RewardSource } from './domain.ts';

/** Episodes with their episode-level reward (null: unlabeled), oldest first. */
export interface RewardStats {
  episodes: Array<{
    episodeId: string;
    sessionKey: string;
    index: number;
    taskId: string | null;
    groupId: string | null;
    /** Ended (closed) episodes are the ones a label is asked for. */
    ended: boolean;
    reward: number | null;
    source: RewardSource | null;
  }>;
  /** More episodes than are sent (100,000): the newest are. */
  truncated: boolean;
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
