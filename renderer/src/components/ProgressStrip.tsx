// Long work as it happens, under the header: what runs (a lab run, a group, a replay, the sample
// task), its step, how far where known, and the time it has taken; what just ended stays a moment
// with how long it took and how it ended.
import { useEffect, useState } from 'react';
import type { Progress } from '../../../shared/progress.ts';
import { useStore } from '../store/use-store.ts';

/** How long a finished item stays in the strip. */
const SHOW_FINISHED_MS = 15_000;

export const elapsed = (ms: number) =>
  ms < 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms < 60_000
      ? `${Math.floor(ms / 1000)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;

/** The time now, ticking each second while `active`. */
export function useNow(active = true): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function ProgressStrip() {
  const all = useStore((s) => s.progress);
  const up = useStore((s) => s.connection.up);
  const items = Object.values(all);
  const now = useNow(items.length > 0);
  const shown = items
    .filter((p) => p.endedAt === null || now - p.endedAt < SHOW_FINISHED_MS)
    .sort((a, b) => a.startedAt - b.startedAt);
  if (shown.length === 0) return null;
  return (
    <div className="progress-strip" role="status" aria-label="Running">
      {shown.map((p) => (
        <ProgressItem key={p.id} p={p} now={now} up={up} />
      ))}
    </div>
  );
}

function ProgressItem({ p, now, up }: { p: Progress; now: number; up: boolean }) {
  const state = p.endedAt !== null ? (p.error ? 'failed' : 'done') : up ? 'running' : 'unknown';
  const time =
    p.endedAt !== null
      ? `in ${elapsed(p.endedAt - p.startedAt)}`
      : up
        ? elapsed(now - p.startedAt)
        : 'engine not answering';
  return (
    <span className={`progress-item ${state}`} data-testid={`progress-${p.kind}`}>
      <span className="progress-mark" aria-hidden>
        {state === 'done' ? '✓' : state === 'failed' ? '✗' : '…'}
      </span>
      <strong>{p.title}</strong> · {p.error ?? p.step}
      {p.total !== null && p.endedAt === null ? ` · ${p.done ?? 0}/${p.total}` : ''} · {time}
      {p.total !== null && p.endedAt === null && (
        <progress max={p.total} value={p.done ?? 0} aria-label={`${p.title}: ${p.done ?? 0} of ${p.total}`} />
      )}
    </span>
  );
}
