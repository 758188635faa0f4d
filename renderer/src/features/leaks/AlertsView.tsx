// Leak alerts: what the detectors raised, newest first, each linking to the turn it concerns.
import { useEffect, useState } from 'react';
import type { Alert } from '../../../../shared/domain.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { AlertCard } from './AlertCard.tsx';
import { LeakLab } from './LeakLab.tsx';

export function AlertsView() {
  const store = useStoreApi();
  const live = useStore((s) => s.alerts);
  const [loaded, setLoaded] = useState<Alert[]>([]);
  const [kind, setKind] = useState('');
  useEffect(() => {
    void store.getState().api.invoke('alerts:list', {}).then(setLoaded).catch(() => {});
  }, [store]);
  const all = [...new Map([...loaded, ...live].map((a) => [a.id, a])).values()].sort((a, b) => b.createdAt - a.createdAt);
  const kinds = [...new Set(all.map((a) => a.kind))];
  const shown = all.filter((a) => !kind || a.kind === kind);
  return (
    <div className="alerts">
      <header className="row"><h2>Leak alerts</h2>
        <select aria-label="Alert kind" value={kind} onChange={(e) => setKind(e.target.value)}><option value="">all kinds</option>{kinds.map((k) => <option key={k}>{k}</option>)}</select>
      </header>
      {shown.length === 0 && <p className="empty">No alerts. Prompts that repeat a turn or carry an earlier episode's content show up here.</p>}
      {shown.map((a) => <AlertCard key={a.id} alert={a} showOpen />)}
      <LeakLab />
    </div>
  );
}
