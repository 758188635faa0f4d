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
