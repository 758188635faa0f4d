// Calls at a glance (Observable Plot): histograms of time to first byte, call duration, prompt and
// completion tokens, each with its count, median, 90th percentile and what was not known (a server
// that says no usage and returns no token ids). The numbers are in a table.
import * as Plot from '@observablehq/plot';
import { useMemo } from 'react';
import type { CallStats } from '../../../../shared/stats.ts';
import { usePlot } from '../../components/chart.tsx';
import { duration, plural } from '../../format.ts';

interface Measure {
  key: keyof Omit<CallStats, 'truncated' | 'requestBytes'>;
  title: string;
  unit: 'ms' | 'tokens';
  colour: string;
}

const MEASURES: Measure[] = [
  { key: 'ttfbMs', title: 'Time to first byte', unit: 'ms', colour: '#2f81f7' },
  { key: 'durationMs', title: 'Call duration', unit: 'ms', colour: '#a371f7' },
  { key: 'promptTokens', title: 'Prompt tokens', unit: 'tokens', colour: '#3fb950' },
  { key: 'completionTokens', title: 'Completion tokens', unit: 'tokens', colour: '#d29922' },
];

export interface Spread {
  known: number;
  unknown: number;
  p50: number | null;
  p90: number | null;
  max: number | null;
}

/** Count, median, 90th percentile and maximum of the known values (nearest rank). */
export function spread(values: Array<number | null>): Spread {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const rank = (q: number) =>
    known.length ? known[Math.min(known.length - 1, Math.ceil(q * known.length) - 1)]! : null;
  return {
    known: known.length,
    unknown: values.length - known.length,
    p50: rank(0.5),
    p90: rank(0.9),
    max: known.at(-1) ?? null,
  };
}

const show = (v: number | null, unit: Measure['unit']) => (v === null ? '–' : unit === 'ms' ? duration(v) : String(v));

function Histogram({ m, values, s }: { m: Measure; values: Array<number | null>; s: Spread }) {
  const known = useMemo(() => values.filter((v): v is number => v !== null).map((v) => ({ v })), [values]);
  const host = usePlot(
    (width) =>
      known.length === 0
        ? null
        : Plot.plot({
            width: Math.min(width, 520),
            height: 150,
            marginLeft: 44,
            style: { background: 'transparent', color: 'currentColor' },
            x: { label: m.unit },
            y: { label: 'calls', grid: true },
            marks: [
              Plot.rectY(
                known,
                Plot.binX<Plot.RectYOptions>(
                  { y: 'count', title: (d: unknown[]) => plural(d.length, 'call') },
                  { x: 'v', fill: m.colour },
                ),
              ),
              Plot.ruleY([0]),
              ...(s.p50 === null ? [] : [Plot.ruleX([s.p50], { stroke: 'currentColor', strokeDasharray: '3,3' })]),
            ],
          }),
    [known, s.p50],
  );
  return (
    <figure className="histogram" data-testid={`histogram-${m.key}`}>
      <figcaption className="small">
        <strong>{m.title}</strong> · median {show(s.p50, m.unit)} · p90 {show(s.p90, m.unit)}
        {s.unknown > 0 ? ` · ${plural(s.unknown, 'call')} without it` : ''}
      </figcaption>
      <div ref={host} className="chart-plot" />
    </figure>
  );
}

export function CallHistograms({ stats }: { stats: CallStats }) {
  const spreads = useMemo(() => MEASURES.map((m) => spread(stats[m.key])), [stats]);
  const calls = stats.ttfbMs.length;
  return (
    <section className="stats-section" aria-label="Calls" data-testid="call-histograms">
      <h3>Calls: latency and size</h3>
      <p className="small muted">
        {plural(calls, 'finished call')} (forks left out){stats.truncated ? ' · the newest 100,000' : ''}
      </p>
      <div className="histograms">
        {MEASURES.map((m, i) => (
          <Histogram key={m.key} m={m} values={stats[m.key]} s={spreads[i]!} />
        ))}
      </div>
      <details>
        <summary className="small">As a table</summary>
        <table className="small" data-testid="call-table">
          <thead>
            <tr>
              <th>measure</th>
              <th>known</th>
              <th>unknown</th>
              <th>median</th>
              <th>p90</th>
              <th>max</th>
            </tr>
          </thead>
          <tbody>
            {MEASURES.map((m, i) => (
              <tr key={m.key}>
                <td>{m.title}</td>
                <td>{spreads[i]!.known}</td>
                <td>{spreads[i]!.unknown}</td>
                <td>{show(spreads[i]!.p50, m.unit)}</td>
                <td>{show(spreads[i]!.p90, m.unit)}</td>
                <td>{show(spreads[i]!.max, m.unit)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
