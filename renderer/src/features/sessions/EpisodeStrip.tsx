// An episode at a glance, above its turns: each turn as a bar on one time axis (its status as its
// colour, the selected one outlined; a click opens it), and each turn's largest prompt as a small
// line, so a history that was not reset or was fed twice shows as a jump. Tokens where the server
// said them for every turn, else bytes for all (one unit per line, said on it).
import * as Plot from '@observablehq/plot';
import { useEffect, useState } from 'react';
import type { Turn } from '../../../../shared/domain.ts';
import type { PromptSizes } from '../../../../shared/stats.ts';
import { usePlot } from '../../components/chart.tsx';
import { bytes, plural, turnDuration } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { loadPromptSizes } from './actions.ts';

const STATUS_COLOURS: Record<Turn['status'], string> = {
  ok: '#3fb950',
  failed: '#da3633',
  running: '#2f81f7',
  cancelled: '#8b949e',
};

/** A turn that ended well but with a failed tool call. */
const TOOL_ERROR = '#d29922';

export function EpisodeStrip({ episodeId, turns }: { episodeId: string; turns: Turn[] }) {
  const store = useStoreApi();
  const turnId = useStore((s) => s.route.turnId);
  const [sizes, setSizes] = useState<PromptSizes | null>(null);
  const running = turns.some((t) => t.status === 'running');
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const finished = turns.filter((t) => t.endedAt !== null).length;
  useEffect(() => {
    void loadPromptSizes(store, episodeId).then((p) => p && setSizes(p));
  }, [store, episodeId, finished, turns.length]);

  const open = (t: Turn | undefined) => t && store.getState().navigate({ turnId: t.id, callId: null });
  const strip = usePlot(
    (width) => {
      if (turns.length === 0) return null;
      const svg = Plot.plot({
        width,
        height: 30,
        margin: 0,
        marginBottom: 6,
        style: { background: 'transparent', color: 'currentColor' },
        x: { axis: null, domain: [turns[0]!.startedAt, Math.max(...turns.map((t) => t.endedAt ?? now))] },
        y: { axis: null },
        marks: [
          Plot.barX(turns, {
            x1: 'startedAt',
            x2: (t: Turn) => Math.max(t.endedAt ?? now, t.startedAt + 1),
            fill: (t: Turn) => (t.status === 'ok' && t.toolErrors > 0 ? TOOL_ERROR : STATUS_COLOURS[t.status]),
            stroke: (t: Turn) => (t.id === turnId ? 'currentColor' : 'none'),
            strokeWidth: 2,
            insetRight: 1,
            title: (t: Turn) =>
              `turn #${t.index}: ${t.status}${t.toolErrors ? ` (${plural(t.toolErrors, 'tool error')})` : ''}, ` +
              `${turnDuration(t)} · ${plural(t.callCount, 'call')}` +
              ` · ${t.message.slice(0, 60)}`,
            className: 'episode-strip-turns',
          }),
        ],
      });
      svg.addEventListener('click', (e) => {
        const target = e.target as Element & { __data__?: unknown };
        if (typeof target.__data__ === 'number') open(turns[target.__data__]);
      });
      return svg;
    },
    [turns, turnId, now],
    160,
  );
  const line = usePlot(
    (width) => {
      if (!sizes || sizes.turns.length < 2) return null;
      const unit = sizes.unit === 'tokens' ? (n: number) => `${n} tokens` : bytes;
      const svg = Plot.plot({
        width,
        height: 64,
        marginLeft: 44,
        marginBottom: 18,
        marginTop: 6,
        style: { background: 'transparent', color: 'currentColor', fontSize: '9px' },
        x: { label: null, tickFormat: (i: number) => `#${i}`, ticks: Math.min(sizes.turns.length, 6) },
        y: { label: null, tickFormat: sizes.unit === 'tokens' ? '~s' : (b: number) => bytes(b), ticks: 2, grid: true },
        marks: [
          Plot.line(sizes.turns, { x: 'index', y: 'size', stroke: '#8b949e' }),
          Plot.dot(sizes.turns, {
            x: 'index',
            y: 'size',
            r: 2.5,
            fill: (d) => (d.turnId === turnId ? 'currentColor' : '#2f81f7'),
            title: (d) => `turn #${d.index}: largest prompt ${unit(d.size)} (${plural(d.calls, 'call')})`,
            className: 'episode-prompt-sizes',
          }),
        ],
      });
      svg.addEventListener('click', (e) => {
        const target = e.target as Element & { __data__?: unknown };
        if (typeof target.__data__ === 'number')
          open(turns.find((t) => t.id === sizes.turns[target.__data__ as number]?.turnId));
      });
      return svg;
    },
    [sizes, turnId, turns],
    160,
  );
  return (
    <div className="episode-strip" data-testid="episode-strip">
      <div ref={strip} aria-label="Turns over time" />
      {sizes && sizes.turns.length >= 2 && (
        <div className="small muted">
          prompt size per turn ({sizes.unit === 'tokens' ? 'tokens' : 'bytes: not every server said tokens'})
        </div>
      )}
      <div ref={line} aria-label="Prompt size per turn" />
    </div>
  );
}
