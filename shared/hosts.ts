// The engines a hub shows (its `remotes`), as the hub sees them: reachable or not, since when.

export interface HostStatus {
  name: string;
  /** The remote's workbench API. */
  url: string;
  /** null: not asked yet. */
  reachable: boolean | null;
  /** When it became reachable or unreachable. */
  since: number | null;
  lastSeenAt: number | null;
  /** Why it is unreachable, in words. */
  error: string | null;
}

/** Where a session lives when the engine is a hub: the remote's name; absent on this engine's own. */
export interface SessionHost {
  name: string;
  /** False: the host does not answer; the session is shown as last known. */
  reachable: boolean;
}

/**
 * Content of a prompt that no session of its engine explains (not replayed, not the session's own,
 * said in no other session there): what a hub checks against the other hosts' sessions, since only
 * content said on another host can explain it there (hub/cross-host.ts).
 */
export interface ForeignContent {
  /** Its place in the engine's log (`analysis:foreign` reads after one). */
  seq: number;
  callId: string;
  sessionKey: string;
  episodeId: string;
  turnId: string | null;
  at: number;
  /** The content as readable spans, each with its shingle hashes (analysis/fingerprint.ts); ≤ 4 KB, ≤ 1,024 hashes. */
  parts: Array<{ text: string; hashes: number[] }>;
}
