// A request's composition as one stacked bar (composition-data.ts, drawn with Observable Plot): the
// system prompt, tools, replayed history, runtime-added context and the new message, with the parts
// an alert names in red and named on hover; sizes in the legend and in the table below it.
import * as Plot from '@observablehq/plot';
import { useEffect, useMemo, useRef } from 'react';
import { Legend, useChartWidth } from '../../components/chart.tsx';
import type { Alert } from '../../../../shared/domain.ts';
import { bytes } from '../../format.ts';
import { useEvidenceNames } from '../leaks/evidence-marks.ts';
import { buildComposition, type PartKind } from './composition-data.ts';

const COLOURS: Record<PartKind, string> = {
  system: '#8b949e',
  tools: '#a371f7',
  history: '#2f81f7',
  'runtime context': '#d29922',
  'new message': '#3fb950',
  alert: '#da3633',
};

export function Composition({
  body,
  alerts,
}: {
  body: { messages?: unknown[]; tools?: unknown[] } | null;
  alerts: Alert[];
}) {
  const namesOf = useEvidenceNames(alerts);
  const parts = useMemo(() => buildComposition(body, namesOf), [body, namesOf]);
  const host = useRef<HTMLDivElement>(null);
  const width = useChartWidth(host);
  useEffect(() => {
    const el = host.current;
    if (!el || width === null || parts.length === 0) return;
    const svg = Plot.plot({
      width,
      height: 44,
      marginLeft: 0,
      marginRight: 0,
      marginTop: 4,
      style: { background: 'transparent', color: 'currentColor' },
      x: { domain: [0, parts.at(-1)!.x2], label: null, tickFormat: (b: number) => bytes(b) },
      y: { axis: null },
      marks: [
        Plot.barX(parts, {
          x1: 'x1',
          x2: 'x2',
          fill: (d) => COLOURS[d.kind as PartKind],
          stroke: 'white',
          strokeWidth: 0.5,
          title: (d) => `${d.label}: ${bytes(d.bytes)}`,
          className: 'composition-parts',
        }),
      ],
    });
    svg.setAttribute('data-testid', 'composition-svg');
    el.replaceChildren(svg);
  }, [parts, width]);
  if (parts.length === 0) return null;
  const total = parts.at(-1)!.x2;
  const byKind = (Object.keys(COLOURS) as PartKind[])
    .map((k) => [k, parts.filter((p) => p.kind === k).reduce((n, p) => n + p.bytes, 0)] as const)
    .filter(([, n]) => n > 0);
  return (
    <section className="composition" aria-label="Prompt composition" data-testid="composition">
      <div className="row small muted">
        <span>prompt {bytes(total)}:</span>
        <Legend items={byKind.map(([k, n]) => ({ key: k, label: `${k} ${bytes(n)}`, colour: COLOURS[k] }))} />
      </div>
      <div ref={host} className="composition-plot" />
      <details>
        <summary className="small">As a table</summary>
        <table className="small" data-testid="composition-table">
          <tbody>
            {parts.map((p, i) => (
              <tr key={i} data-kind={p.kind}>
                <td>{p.label}</td>
                <td>{bytes(p.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
