// memory_growth: a gateway whose RSS keeps rising where it rests. A gateway's RSS swings with every
// turn; what it falls back to between turns (the lowest RSS of a window) should stay level. When
// that floor rose in every one of the last windows and its slope is steeper than the setting, the
// gateway is leaking (openclaw #54155: 389 MB → 14.7 GB in four days, ≈ 150 MB/h).

export interface GrowthRule {
  /** Width of a window whose lowest RSS is its floor. */
  windowMs: number;
  /** Consecutive rises of the floor needed (windows + 1 floors). */
  windows: number;
  /** Slope of the floor, in MB per hour, above which it is reported. */
  mbPerHour: number;
}

export const DEFAULT_GROWTH: Omit<GrowthRule, 'mbPerHour'> = { windowMs: 10 * 60_000, windows: 3 };

export interface Growth {
  fromBytes: number;
  toBytes: number;
  sinceAt: number;
  mbPerHour: number;
}

const MB = 1024 * 1024;

/**
 * The growth of the floors (oldest first, complete windows only), or null when they did not rise
 * in each of the last `windows` windows or rose slower than the rule's slope.
 */
export function memoryGrowth(floors: Array<{ at: number; rss: number }>, rule: GrowthRule): Growth | null {
  if (floors.length < rule.windows + 1) return null;
  const last = floors.slice(-(rule.windows + 1));
  for (let i = 1; i < last.length; i++) if (last[i]!.rss <= last[i - 1]!.rss) return null;
  const first = last[0]!;
  const end = last.at(-1)!;
  const hours = (end.at - first.at) / 3600_000;
  if (hours <= 0) return null;
  const mbPerHour = (end.rss - first.rss) / MB / hours;
  if (mbPerHour < rule.mbPerHour) return null;
  return { fromBytes: first.rss, toBytes: end.rss, sinceAt: first.at, mbPerHour: Math.round(mbPerHour) };
}
