// Gateways' and the engine's memory and CPU over time, drawn with uPlot (canvas; a day of samples
// each second for ten gateways is ≈ 864k points): one line per gateway process, the engine dashed,
// marks for starts, restarts, crashes, memory pressure and memory_growth as vertical rules. The two
// charts share the cursor; drag to zoom, double-click to reset, ←/→ to pan and +/− to zoom when
// focused. Every mark is listed as text below, every series' numbers in a table.
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  ENGINE_SOURCE,
  type ResourceMark,
  type ResourceMarkKind,
  type ResourceSeries,
} from '../../../../shared/resources.ts';
import { useChartWidth } from '../../components/chart.tsx';
import { DetailLevels } from './detail-levels.ts';
import { bytes, clock, cpu, plural } from '../../format.ts';

const MB = 1024 * 1024;
const LINES = ['#2f81f7', '#3fb950', '#a371f7', '#d29922', '#db61a2', '#39c5cf', '#f0883e', '#e3b341', '#da3633'];
export const MARK_COLOURS: Record<ResourceMarkKind, string> = {
  engine_start: '#8b949e',
  start: '#3fb950',
  restart: '#2f81f7',
  stop: '#8b949e',
  crash: '#da3633',
  pressure: '#d29922',
  memory_growth: '#a371f7',
};
const MARK_WORDS: Record<ResourceMarkKind, string> = {
  engine_start: 'engine start',
  start: 'start',
  restart: 'restart',
  stop: 'stop',
  crash: 'crash',
  pressure: 'pressure',
  memory_growth: 'memory growth',
};

const megabytes = (mb: number) => (mb >= 1024 ? `${(mb / 1024).toFixed(2)} GB` : `${Math.round(mb)} MB`);

function colourOf(series: ResourceSeries, i: number): string {
  return series.sources[i]!.id === ENGINE_SOURCE ? '#8b949e' : LINES[i % LINES.length]!;
}

/** Draws the marks as vertical rules; how many fell inside the plot is kept on the host (tests, a11y). */
function marksPlugin(marks: ResourceMark[], host: HTMLElement): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          const dpr = devicePixelRatio;
          let drawn = 0;
          ctx.save();
          ctx.font = `${11 * dpr}px sans-serif`;
          for (const m of marks) {
            const x = Math.round(u.valToPos(m.at / 1000, 'x', true));
            if (x < bbox.left || x > bbox.left + bbox.width) continue;
            drawn++;
            ctx.strokeStyle = ctx.fillStyle = MARK_COLOURS[m.kind];
            ctx.lineWidth = (m.kind === 'start' || m.kind === 'stop' ? 1 : 2) * dpr;
            ctx.setLineDash(m.kind === 'start' || m.kind === 'stop' ? [3 * dpr, 3 * dpr] : []);
            ctx.beginPath();
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
            if (m.kind !== 'start' && m.kind !== 'stop')
              ctx.fillText(MARK_WORDS[m.kind], x + 3 * dpr, bbox.top + 12 * dpr);
          }
          ctx.restore();
          host.dataset.marksDrawn = String(drawn);
        },
      ],
    },
  };
}

function axisColours(el: HTMLElement) {
  const style = getComputedStyle(el);
  return { text: style.color, grid: 'rgba(128,128,128,0.2)' };
}

type Metric = 'rss' | 'cpu';
type Detail = Record<Metric, { levels: DetailLevels; factor: number }>;

function chartOptions(series: ResourceSeries, metric: Metric, width: number, host: HTMLElement): uPlot.Options {
  const { text, grid } = axisColours(host);
  const axis = { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } };
  return {
    width,
    height: metric === 'rss' ? 240 : 140,
    cursor: { sync: { key: 'resources' } },
    scales: { x: { time: true } },
    legend: { show: metric === 'rss' },
    axes: [
      axis,
      {
        ...axis,
        size: 72,
        values: (_u, vals) => vals.map((v) => (metric === 'rss' ? megabytes(v) : `${v} %`)),
      },
    ],
    series: [
      {},
      ...series.sources.map((s, i) => ({
        label: s.id === ENGINE_SOURCE ? 'engine' : `${s.label} (…${s.id.slice(-6)})`,
        stroke: colourOf(series, i),
        width: 1,
        dash: s.id === ENGINE_SOURCE ? [6, 4] : undefined,
        value: (_u: uPlot, v: number | null) =>
          v === null ? '–' : metric === 'rss' ? megabytes(v) : `${v.toFixed(1)} %`,
      })),
    ],
    plugins: metric === 'rss' ? [marksPlugin(series.marks, host)] : [],
  };
}

function chartData(series: ResourceSeries, metric: 'rss' | 'cpu'): uPlot.AlignedData {
  const xs = series.times.map((t) => t / 1000);
  const cols = metric === 'rss' ? series.rss.map((c) => c.map((v) => (v === null ? null : v / MB))) : series.cpu;
  return [xs, ...cols] as uPlot.AlignedData;
}

/** ←/→ pan by a tenth of the visible range, +/− zoom around its middle. */
function onKey(e: React.KeyboardEvent, charts: uPlot[]) {
  const u = charts[0];
  if (!u) return;
  const min = u.scales.x?.min;
  const max = u.scales.x?.max;
  if (min === undefined || max === undefined || min === null || max === null) return;
  const span = max - min;
  const next =
    e.key === 'ArrowRight'
      ? [min + span / 10, max + span / 10]
      : e.key === 'ArrowLeft'
        ? [min - span / 10, max - span / 10]
        : e.key === '+' || e.key === '='
          ? [min + span / 4, max - span / 4]
          : e.key === '-'
            ? [min - span / 2, max + span / 2]
            : null;
  if (!next) return;
  e.preventDefault();
  for (const c of charts) c.setScale('x', { min: next[0]!, max: next[1]! });
}

export function ResourceChart({ series }: { series: ResourceSeries }) {
  const host = useRef<HTMLDivElement>(null);
  const rssHost = useRef<HTMLDivElement>(null);
  const cpuHost = useRef<HTMLDivElement>(null);
  const charts = useRef<uPlot[]>([]);
  const width = useChartWidth(host);
  const shape = series.sources.map((s) => s.id).join(',');
  const [shapeDrawn, setShapeDrawn] = useState('');

  // each chart's levels of detail and the one it draws now (detail-levels.ts)
  const levels = useRef<Detail | null>(null);
  const step = series.step;

  // (re)built when the width or the set of series changes; new samples only replace the data
  useEffect(() => {
    const el = host.current;
    if (!el || width === null || !rssHost.current || !cpuHost.current) return;
    const all = (['rss', 'cpu'] as const).map((metric) => {
      const lv = new DetailLevels(chartData(series, metric));
      return [metric, { levels: lv, factor: lv.factorFor(series.times.length, width) }] as const;
    });
    levels.current = Object.fromEntries(all) as Detail;
    const make = (metric: Metric, into: HTMLElement) => {
      const opts = chartOptions(series, metric, width, el);
      // zoomed or panned: the level of detail for what is in view now
      opts.hooks = {
        setScale: [
          (u, key) => {
            const mine = levels.current?.[metric];
            const { min, max } = u.scales.x!;
            if (key !== 'x' || !mine || min == null || max == null) return;
            const factor = mine.levels.factorFor((max - min) / step, u.bbox.width / devicePixelRatio);
            if (factor === mine.factor) return;
            mine.factor = factor;
            u.setData(mine.levels.at(factor), false);
          },
        ],
      };
      const lv = levels.current![metric];
      return new uPlot(opts, lv.levels.at(lv.factor), into);
    };
    const rss = make('rss', rssHost.current);
    const cp = make('cpu', cpuHost.current);
    charts.current = [rss, cp];
    setShapeDrawn(`${shape}|${width}`);
    return () => {
      rss.destroy();
      cp.destroy();
      charts.current = [];
    };
  }, [width, shape, series.marks.length]);
  useEffect(() => {
    const [rss, cp] = charts.current;
    if (!rss || !cp || !levels.current || shapeDrawn !== `${shape}|${width}`) return;
    for (const [metric, u] of [
      ['rss', rss],
      ['cpu', cp],
    ] as const) {
      const mine = levels.current[metric];
      mine.levels = new DetailLevels(chartData(series, metric));
      u.setData(mine.levels.at(mine.factor));
    }
  }, [series, shape, width, shapeDrawn]);

  const summary = useMemo(
    () =>
      series.sources.map((s, i) => {
        const rss = series.rss[i]!.filter((v): v is number => v !== null);
        const cpus = series.cpu[i]!.filter((v): v is number => v !== null);
        return {
          id: s.id,
          label: s.id === ENGINE_SOURCE ? 'engine' : s.label,
          colour: colourOf(series, i),
          last: rss.at(-1) ?? null,
          low: rss.length ? rss.reduce((a, b) => Math.min(a, b)) : null,
          peak: rss.length ? rss.reduce((a, b) => Math.max(a, b)) : null,
          cpuMean: cpus.length ? cpus.reduce((a, b) => a + b, 0) / cpus.length : null,
          samples: rss.length,
        };
      }),
    [series],
  );
  const notable = series.marks.filter((m) => m.kind !== 'start' && m.kind !== 'stop');
  return (
    <section className="resource-chart" aria-label="Gateway memory and CPU over time">
      <div
        ref={host}
        className="chart-host"
        tabIndex={0}
        data-testid="resource-chart"
        aria-label="RSS and CPU over time; arrows pan, plus and minus zoom"
        onKeyDown={(e) => onKey(e, charts.current)}
      >
        <div ref={rssHost} />
        <div ref={cpuHost} />
      </div>
      <p className="small muted">
        {series.resolution === 'seconds' ? 'each second' : 'each minute (peak RSS, mean CPU)'}
        {series.step > (series.resolution === 'seconds' ? 1 : 60)
          ? `, merged into ${series.step} s buckets`
          : ''} · {plural(series.sources.length, 'series', 'series')} · {plural(series.marks.length, 'mark')}
      </p>
      <h4>What happened</h4>
      {notable.length === 0 ? (
        <p className="muted small">No restart, crash, memory pressure or memory growth in this range.</p>
      ) : (
        <ul className="resource-marks small" data-testid="resource-marks">
          {notable
            .slice(-50)
            .reverse()
            .map((m, i) => (
              <li key={i} data-mark={m.kind}>
                <span className="swatch" style={{ background: MARK_COLOURS[m.kind] }} /> {clock(m.at)} ·{' '}
                <strong>{MARK_WORDS[m.kind]}</strong> · {m.detail}
              </li>
            ))}
        </ul>
      )}
      <details>
        <summary className="small">As a table</summary>
        <table className="small resource-table" data-testid="resource-table">
          <thead>
            <tr>
              <th>series</th>
              <th>RSS now</th>
              <th>lowest</th>
              <th>peak</th>
              <th>mean CPU</th>
              <th>samples</th>
            </tr>
          </thead>
          <tbody>
            {summary.map((s) => (
              <tr key={s.id}>
                <td>
                  <span className="swatch" style={{ background: s.colour }} /> {s.label}
                </td>
                <td>{bytes(s.last)}</td>
                <td>{bytes(s.low)}</td>
                <td>{bytes(s.peak)}</td>
                <td>{cpu(s.cpuMean)}</td>
                <td>{s.samples}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
