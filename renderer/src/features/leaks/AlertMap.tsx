// Which sessions and episodes leak, at a glance: sessions × episodes, a cell per episode that raised
// alerts, coloured by its kind (the most raised there; every kind and count on hover), filtered as the
// list below it is; a click opens the proof. With one session chosen it zooms to that session's
// episodes × turns. Drawn with Observable Plot (alert-map-plot.ts); the list below has the numbers.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AlertMap as AlertMapData, TurnAlertMap } from '../../../../shared/api.ts';
import type { AlertKind } from '../../../../shared/domain.ts';
import { Legend } from '../../components/chart.tsx';
import { plural } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { loadAlertMap, loadTurnAlertMap, openLeak } from './actions.ts';
import { cellTitle, mapCells, sameMap, turnCells } from './alert-map-cells.ts';
import { drawAlertMap } from './alert-map-plot.ts';
import { kindColour, kindLabel, useAlertKinds } from './alert-kinds.ts';

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
  const [zoomed, setZoomed] = useState<{ sessionKey: string; map: TurnAlertMap } | null>(null);
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // the same map again (another page of alerts arrived, none of them new) is not drawn again
    void loadAlertMap(store).then((d) => d && setData((was) => (was && sameMap(was, d) ? was : d)));
  }, [store, alertCount]);
  useEffect(() => {
    if (!sessionKey) return setZoomed(null);
    void loadTurnAlertMap(store, sessionKey).then((map) => map && setZoomed({ sessionKey, map }));
  }, [store, sessionKey, alertCount]);
  const view = useMemo(() => {
    if (zoomed && zoomed.sessionKey === sessionKey)
      return { ...turnCells(zoomed.map, sessionKey, (k) => !kind || k === kind), column: 'turn' as const };
    const cells = data
      ? mapCells(
          data,
          (key, k) =>
            (!kind || k === kind) &&
            (!sessionKey || key === sessionKey) &&
            (lab === 'all' || (lab === 'only') === (sessions[key]?.origin === 'lab')),
        )
      : [];
    return { cells, rows: data?.sessions ?? [], offTurn: 0, column: 'episode' as const };
  }, [data, zoomed, kind, sessionKey, lab, sessions]);
  const cells = view.cells;
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
      view.rows,
      view.column,
      colour,
      (c) => cellTitle(c, (k) => kindLabel(kinds, k)),
      (c) => void openLeak(store, c),
    );
    svg.setAttribute('data-testid', 'alert-map-svg');
    el.replaceChildren(svg);
    return dispose;
  }, [cells, view, store, kinds]);

  if (!data) return null;
  const shownKinds = [...new Set(cells.map((c) => c.kind))];
  return (
    <details className="alert-map" open data-testid="alert-map">
      <summary>
        {view.column === 'turn' ? (
          <>
            Map of session {sessionKey}: {plural(cells.length, 'leaky turn')} in {plural(view.rows.length, 'episode')}
            {view.offTurn ? ` · ${plural(view.offTurn, 'alert')} on no turn` : ''}
          </>
        ) : (
          <>
            Map: {plural(cells.length, 'leaky episode')} in{' '}
            {plural(new Set(cells.map((c) => c.sessionKey)).size, 'session')}
            {data.truncated ? ' (the oldest sessions only: more than the map holds)' : ''}
          </>
        )}
      </summary>
      <div className="row small muted">
        <Legend items={shownKinds.map((k) => ({ key: k, label: kindLabel(kinds, k), colour: colour(k) }))} />
      </div>
      <div ref={host} className="alert-map-plot" />
    </details>
  );
}
