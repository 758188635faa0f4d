// Leak alerts: what the detectors raised, newest first, filtered by kind in the engine, each
// linking to the turn it concerns. Alerts live in the store; older pages load on demand.
import { useEffect, useState } from 'react';
import type { AlertKind } from '../../../../shared/domain.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { AlertCard } from './AlertCard.tsx';
import { loadAlerts } from './actions.ts';
import { useAlertKinds } from './alert-kinds.ts';
import { LeakLab } from './LeakLab.tsx';

export function AlertsView() {
  const store = useStoreApi();
  const alerts = useStore((s) => s.alerts);
  const next = useStore((s) => s.alertsNext);
  const kinds = useAlertKinds();
  const [kind, setKind] = useState<AlertKind | ''>('');
  const [more, setMore] = useState<string | null>(null);

  // a kind filter asks the engine, so kinds beyond the loaded pages are found too
  useEffect(() => {
    void loadAlerts(store, kind).then((after) => after !== undefined && setMore(after));
  }, [kind, store]);

  const loadMore = async () => {
    const cursor = kind ? more : next;
    if (!cursor) return;
    const after = await loadAlerts(store, kind, cursor);
    if (after === undefined) return;
    if (kind) setMore(after);
    else store.setState({ alertsNext: after });
  };
  const shown = alerts.filter((a) => !kind || a.kind === kind);
  const hasMore = kind ? more : next;
  return (
    <div className="alerts">
      <header className="row">
        <h2>Leak alerts</h2>
        <select aria-label="Alert kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">all kinds</option>
          {kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </header>
      {shown.length === 0 && (
        <p className="empty">
          No alerts. Prompts that repeat a turn or carry an earlier episode's content show up here.
        </p>
      )}
      {shown.map((a) => (
        <AlertCard key={a.id} alert={a} showOpen />
      ))}
      {hasMore && (
        <button type="button" onClick={() => void loadMore()}>
          Load older alerts
        </button>
      )}
      <LeakLab />
    </div>
  );
}
