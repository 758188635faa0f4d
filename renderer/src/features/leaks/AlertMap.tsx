// Which sessions and episodes leak, at a glance: sessions × episodes, a cell per episode that raised
// alerts, coloured by its kind (the most raised there; every kind and count on hover), filtered as the
// list below it is; a click opens the episode. Drawn with Observable Plot; the numbers are in a table.
import * as Plot from '@observablehq/plot';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AlertMap as AlertMapData } from '../../../../shared/api.ts';
import type { AlertKind } from '../../../../shared/domain.ts';
import { Legend } from '../../components/chart.tsx';
import { clock, plural } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { loadAlertMap } from './actions.ts';
import { kindLabel, useAlertKinds } from './alert-kinds.ts';

// ten distinct colours readable on both themes; kinds take them in the registry's order
const PALETTE = [
  '#da3633',
  '#d29922',
  '#a371f7',
  '#2f81f7',
  '#3fb950',
  '#db61a2',
  '#8b949e',
  '#f0883e',
  '#39c5cf',
  '#e3b341',
];

export interface MapCell {
  sessionKey: string;
  episodeId: string;
  episodeIndex: number;
  kind: AlertKind;
  total: number;
  title: string;
}

/** One cell per episode: its most raised kind, and all its kinds in words. */
export function mapCells(
  data: AlertMapData,
  keep: (c: AlertMapData['cells'][number]) => boolean,
  label: (k: AlertKind) => string,
): MapCell[] {
  const byEpisode = new Map<string, AlertMapData['cells']>();
  for (const c of data.cells) if (keep(c)) byEpisode.set(c.episodeId, [...(byEpisode.get(c.episodeId) ?? []), c]);
  return [...byEpisode.values()].map((cs) => {
    const top = [...cs].sort((a, b) => b.count - a.count)[0]!;
    const first = Math.min(...cs.map((c) => c.firstAt));
    return {
      sessionKey: top.sessionKey,
      episodeId: top.episodeId,
      episodeIndex: top.episodeIndex,
      kind: top.kind,
      total: cs.reduce((n, c) => n + c.count, 0),
      title:
        `session ${top.sessionKey} · episode ${top.episodeIndex}: ` +
        cs.map((c) => `${label(c.kind)} ×${c.count}`).join(', ') +
        ` · first ${clock(first)}`,
    };
  });
}

export function AlertMap({
  kind,
  sessionKey,
  lab,
}: {
  kind: string;
  sessionKey: string;
  lab: 'all' | 'hide' | 'only';
}) {
  const store = useStoreApi();
  const kinds = useAlertKinds();
  const sessions = useStore((s) => s.sessions);
  const alertCount = useStore((s) => s.alerts.length); // a new alert redraws the map
  const [data, setData] = useState<AlertMapData | null>(null);
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    void loadAlertMap(store).then((d) => d && setData(d));
  }, [store, alertCount]);
  const cells = useMemo(
    () =>
      data
        ? mapCells(
            data,
            (c) =>
              (!kind || c.kind === kind) &&
              (!sessionKey || c.sessionKey === sessionKey) &&
              (lab === 'all' || (lab === 'only') === (sessions[c.sessionKey]?.origin === 'lab')),
            (k) => kindLabel(kinds, k),
          )
        : [],
    [data, kind, sessionKey, lab, sessions, kinds],
  );
  const colour = (k: AlertKind) =>
    PALETTE[
      Math.max(
        0,
        kinds.findIndex((x) => x.kind === k),
      ) % PALETTE.length
    ]!;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    if (cells.length === 0) {
      el.replaceChildren();
      return;
    }
    const rows = [...new Set(cells.map((c) => c.sessionKey))];
    const columns = Math.max(10, Math.max(...cells.map((c) => c.episodeIndex)) + 1);
    const svg = Plot.plot({
      // a cell is 18 × 22 px at least, however few there are: one leaky episode is still a visible square
      width: Math.min(1100, 160 + columns * 18 + 40),
      height: 40 + 22 * rows.length,
      marginTop: 8,
      marginBottom: 32,
      marginLeft: 160,
      style: { background: 'transparent', color: 'currentColor' },
      x: {
        domain: Array.from({ length: columns }, (_, i) => i),
        label: 'episode',
        tickFormat: (i: number) => (i % 5 === 0 ? String(i) : ''),
      },
      y: { domain: rows, label: null, tickFormat: (k: string) => (k.length > 24 ? `${k.slice(0, 23)}…` : k) },
      marks: [
        Plot.cell(cells, {
          x: 'episodeIndex',
          y: 'sessionKey',
          fill: (d: MapCell) => colour(d.kind),
          title: 'title',
          inset: 1,
          className: 'alert-map-cells',
        }),
      ],
    });
    svg.setAttribute('data-testid', 'alert-map-svg');
    const onClick = (e: Event) => {
      const target = e.target as Element & { __data__?: unknown };
      if (!target.closest('.alert-map-cells') || typeof target.__data__ !== 'number') return;
      const c = cells[target.__data__];
      if (c)
        store
          .getState()
          .navigate({ view: 'sessions', sessionKey: c.sessionKey, episodeId: c.episodeId, turnId: null, callId: null });
    };
    svg.addEventListener('click', onClick);
    el.replaceChildren(svg);
    return () => svg.removeEventListener('click', onClick);
  }, [cells, store, kinds]);

  if (!data) return null;
  const shownKinds = [...new Set(cells.map((c) => c.kind))];
  return (
    <details className="alert-map" open data-testid="alert-map">
      <summary>
        Map: {plural(cells.length, 'leaky episode')} in{' '}
        {plural(new Set(cells.map((c) => c.sessionKey)).size, 'session')}
        {data.truncated ? ' (the oldest sessions only: more than the map holds)' : ''}
      </summary>
      <div className="row small muted">
        <Legend items={shownKinds.map((k) => ({ key: k, label: kindLabel(kinds, k), colour: colour(k) }))} />
      </div>
      <div ref={host} className="alert-map-plot" />
    </details>
  );
}
