// Which sessions and episodes leak, at a glance: sessions × episodes, a cell per episode that raised
// alerts, coloured by its kind (the most raised there; every kind and count on hover), filtered as the
// list below it is; a click opens the episode. Drawn with Observable Plot; the numbers are in a table.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AlertMap as AlertMapData } from '../../../../shared/api.ts';
import type { AlertKind } from '../../../../shared/domain.ts';
import { Legend } from '../../components/chart.tsx';
import { clock, plural } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { loadAlertMap, openLeak } from './actions.ts';
import { drawAlertMap, type MapCell } from './alert-map-plot.ts';
import { kindColour, kindLabel, useAlertKinds } from './alert-kinds.ts';

/** One cell per episode: its most raised kind, every kind with its count, its first alert. */
export function mapCells(data: AlertMapData, keep: (sessionKey: string, kind: AlertKind) => boolean): MapCell[] {
  const { cells: c } = data;
  const byEpisode = new Map<string, MapCell>();
  for (let i = 0; i < c.session.length; i++) {
    const sessionKey = data.sessions[c.session[i]!]!;
    const kind = data.kinds[c.kind[i]!]!;
    if (!keep(sessionKey, kind)) continue;
    const id = c.episodeId[i]!;
    const count = c.count[i]!;
    const cell = byEpisode.get(id);
    if (!cell) {
      byEpisode.set(id, {
        sessionKey,
        episodeId: id,
        episodeIndex: c.episodeIndex[i]!,
        kind,
        total: count,
        kinds: [[kind, count]],
        firstAt: c.firstAt[i]!,
      });
      continue;
    }
    if (count > cell.kinds.find(([k]) => k === cell.kind)![1]) cell.kind = kind;
    cell.total += count;
    cell.kinds.push([kind, count]);
    cell.firstAt = Math.min(cell.firstAt, c.firstAt[i]!);
  }
  return [...byEpisode.values()];
}

function sameMap(a: AlertMapData, b: AlertMapData): boolean {
  const { cells: x } = a;
  const { cells: y } = b;
  if (a.truncated !== b.truncated || x.count.length !== y.count.length || a.sessions.length !== b.sessions.length)
    return false;
  for (let i = 0; i < x.count.length; i++)
    if (x.count[i] !== y.count[i] || x.episodeId[i] !== y.episodeId[i] || x.kind[i] !== y.kind[i]) return false;
  return a.sessions.every((k, i) => k === b.sessions[i]) && a.kinds.every((k, i) => k === b.kinds[i]);
}

/** A cell in words, for its hover text. */
export function cellTitle(c: MapCell, label: (k: AlertKind) => string): string {
  return (
    `session ${c.sessionKey} · episode ${c.episodeIndex}: ` +
    c.kinds.map(([k, n]) => `${label(k)} ×${n}`).join(', ') +
    ` · first ${clock(c.firstAt)}`
  );
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
    // the same map again (another page of alerts arrived, none of them new) is not drawn again
    void loadAlertMap(store).then((d) => d && setData((was) => (was && sameMap(was, d) ? was : d)));
  }, [store, alertCount]);
  const cells = useMemo(
    () =>
      data
        ? mapCells(
            data,
            (key, k) =>
              (!kind || k === kind) &&
              (!sessionKey || key === sessionKey) &&
              (lab === 'all' || (lab === 'only') === (sessions[key]?.origin === 'lab')),
          )
        : [],
    [data, kind, sessionKey, lab, sessions, kinds],
  );
  const colour = (k: AlertKind) => kindColour(kinds, k);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    if (cells.length === 0) {
      el.replaceChildren();
      return;
    }
    const { svg, dispose } = drawAlertMap(
      cells,
      data?.sessions ?? [],
      colour,
      (c) => cellTitle(c, (k) => kindLabel(kinds, k)),
      (c) => void openLeak(store, c),
    );
    svg.setAttribute('data-testid', 'alert-map-svg');
    el.replaceChildren(svg);
    return dispose;
  }, [cells, data, store, kinds]);

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
