// Maps a log line's time to the turn that was in flight then.

/** Which turn was in flight at a moment, among the turns of a session. */
export function turnAt<T extends { startedAt: number; endedAt: number | null }>(turns: T[], at: number): T | null {
  return turns.find((t) => t.startedAt <= at && (t.endedAt === null || at <= t.endedAt)) ?? null;
}
