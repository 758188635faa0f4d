// OpenClaw's own memory-pressure diagnostics, read from a gateway's output: a line like
// `memory pressure: level=warning reason=rss_threshold … rssBytes=1034567680 …` (OpenClaw
// 2026.9.6, diagnostic module). Repeated lines are counted, not lost in the log.
// OpenClaw warns of `heap_threshold` once half of the heap limit is in use (critical at 75 %);
// gateways here run with a 384 MB old space (supervisor.ts), so every gateway in normal use says
// so after a few turns (measured: heap 224 MiB against a 195 MiB threshold). Those warnings stay
// in the log; a critical level, and RSS thresholds or growth, are raised.
import type { MemoryPressure } from '../../../shared/domain.ts';

const LINE = /memory pressure: level=(\w+) reason=(\S+)(?:.*?\brssBytes=(\d+))?/g;
const RANK: Record<string, number> = { warning: 1, critical: 2 };

export interface PressureLine {
  level: string;
  reason: string;
  rssBytes: number | null;
}

/** The pressure lines of a chunk of output that say something about this gateway's health. */
export function pressureLines(text: string): PressureLine[] {
  return [...text.matchAll(LINE)]
    .map((m) => ({ level: m[1]!, reason: m[2]!, rssBytes: m[3] === undefined ? null : Number(m[3]) }))
    .filter((l) => l.level === 'critical' || l.reason !== 'heap_threshold');
}

/** The gateway's pressure after `line`; `escalated` when it is the first or a higher level than before. */
export function nextPressure(
  was: MemoryPressure | null,
  line: PressureLine,
  at: number,
): { now: MemoryPressure; escalated: boolean } {
  const escalated = !was || (RANK[line.level] ?? 0) > (RANK[was.level] ?? 0);
  return {
    now: { level: line.level, reason: line.reason, rssBytes: line.rssBytes, count: (was?.count ?? 0) + 1, lastAt: at },
    escalated,
  };
}
