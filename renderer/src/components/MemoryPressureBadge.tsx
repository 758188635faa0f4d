// OpenClaw said its memory is under pressure: a badge where the gateway shows (rail, session header).
import type { MemoryPressure } from '../../../shared/domain.ts';
import { bytes } from '../format.ts';

export function MemoryPressureBadge({ p }: { p: MemoryPressure | null | undefined }) {
  if (!p) return null;
  const title =
    `OpenClaw reported memory pressure ${p.count} time(s); the latest: level=${p.level}, ${p.reason}` +
    (p.rssBytes !== null ? `, RSS ${bytes(p.rssBytes)}` : '') +
    ` at ${new Date(p.lastAt).toLocaleTimeString()}. Restart the gateway if it persists; its log has the details.`;
  return (
    <span className={`badge ${p.level === 'critical' ? 'bad' : 'warn'}`} title={title} data-testid="memory-pressure">
      memory {p.level}
      {p.count > 1 ? ` ×${p.count}` : ''}
    </span>
  );
}
