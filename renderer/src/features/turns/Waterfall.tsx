// The turn on one time axis (waterfall-data.ts), drawn with Observable Plot: bars for the turn, each
// call's wait and stream and the tools run between calls, ticks for gateway log lines (warnings and
// errors coloured); hover says what each is, a click opens the call. Redrawn while the turn runs.
// Every number is also in the table below it.
import * as Plot from '@observablehq/plot';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Legend, useChartWidth } from '../../components/chart.tsx';
import type { LogChunk, Turn, UpstreamCall } from '../../../../shared/domain.ts';
import { useStoreApi } from '../../store/use-store.ts';
import { buildWaterfall, type SegmentKind } from './waterfall-data.ts';

// colours readable on both themes' backgrounds (SVG attributes take no CSS variables)
const KIND_COLOURS: Record<SegmentKind, string> = {
  turn: '#8b949e',
  wait: '#d29922',
  stream: '#2f81f7',
  failed: '#da3633',
  tool: '#3fb950',
  'tool-failed': '#da3633',
};
const LEVEL_COLOURS = { info: '#8b949e', warning: '#d29922', error: '#da3633' };
const KIND_NAMES: Record<SegmentKind, string> = {
  turn: 'turn',
  wait: 'waiting for the first byte',
  stream: 'streaming',
  failed: 'failed',
  tool: 'tools ran',
  'tool-failed': 'a tool failed',
};
const ROW_HEIGHT = 22;

export function Waterfall({
  turn,
  calls,
  logs,
}: {
  turn: Pick<Turn, 'startedAt' | 'endedAt' | 'index' | 'toolCalls' | 'status' | 'sessionKey' | 'episodeId' | 'id'>;
  calls: UpstreamCall[];
  logs: LogChunk[];
}) {
  const store = useStoreApi();
  const host = useRef<HTMLDivElement>(null);
  const [now, setNow] = useState(Date.now());
  // measured before the first drawing (one drawing, not one at a guess and another at the real width)
  const width = useChartWidth(host);
  const running = turn.endedAt === null;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);
  const w = useMemo(() => buildWaterfall(turn, calls, logs, now), [turn, calls, logs, now]);

  useEffect(() => {
    const el = host.current;
    if (!el || width === null) return;
    const svg = Plot.plot({
      width,
      height: w.rows.length * ROW_HEIGHT + 40,
      marginLeft: 110,
      style: { background: 'transparent', color: 'currentColor' },
      x: { domain: [0, w.span], label: 'ms since the turn started', grid: true },
      y: { domain: w.rows, label: null },
      marks: [
        Plot.barX(w.segments, {
          x1: 'x1',
          x2: 'x2',
          y: 'row',
          fill: (d) => KIND_COLOURS[d.kind as SegmentKind],
          fillOpacity: (d) => (d.open ? 0.6 : 1),
          title: 'title',
          insetTop: 3,
          insetBottom: 3,
          className: 'wf-segments',
        }),
        Plot.tickX(w.logs, {
          x: 'x',
          y: () => 'logs',
          stroke: (d) => LEVEL_COLOURS[d.level as keyof typeof LEVEL_COLOURS],
          strokeWidth: (d) => (d.level === 'info' ? 1 : 2),
          title: 'title',
          className: 'wf-logs',
        }),
      ],
    });
    svg.setAttribute('data-testid', 'waterfall-svg');
    // a bar's datum is its index in the segments: a call's bars open the call
    const onClick = (e: Event) => {
      const target = e.target as Element & { __data__?: unknown };
      if (target.closest('.wf-segments') === null || typeof target.__data__ !== 'number') return;
      const seg = w.segments[target.__data__];
      if (seg?.callId) store.getState().navigate({ tab: 'calls', callId: seg.callId });
    };
    svg.addEventListener('click', onClick);
    el.replaceChildren(svg);
    return () => svg.removeEventListener('click', onClick);
  }, [w, width, store]);

  return (
    <section className="waterfall" aria-label="Turn timeline" data-testid="waterfall">
      <div className="row small muted">
        <Legend
          items={(Object.keys(KIND_NAMES) as SegmentKind[])
            .filter((k) => w.segments.some((s) => s.kind === k))
            .map((k) => ({ key: k, label: KIND_NAMES[k], colour: KIND_COLOURS[k] }))}
        />
        {w.logs.length > 0 && <span>ticks: gateway log lines (warnings and errors coloured)</span>}
      </div>
      <div ref={host} className="waterfall-plot" />
      <details>
        <summary className="small">As a table</summary>
        <table className="small" data-testid="waterfall-table">
          <thead>
            <tr>
              <th>row</th>
              <th>what</th>
              <th>from (ms)</th>
              <th>to (ms)</th>
            </tr>
          </thead>
          <tbody>
            {w.segments.map((s, i) => (
              <tr key={i} data-kind={s.kind}>
                <td>{s.row}</td>
                <td>{s.title}</td>
                <td>{Math.round(s.x1)}</td>
                <td>{Math.round(s.x2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
