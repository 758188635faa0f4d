// Leak alerts: what the detectors raised, newest first, each linking to the turn it concerns.
import { useEffect, useState } from 'react';
import type { Alert } from '../../../../shared/domain.ts';
import { clock } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';

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
      {shown.map((a) => (
        <div key={a.id} className={`alert ${a.severity}`}>
          <div className="row"><span className={`badge ${a.severity === 'error' ? 'warn' : ''}`}>{a.kind}</span><span>{a.message}</span><span className="spacer" /><span className="muted small">{clock(a.createdAt)}</span></div>
          {a.sessionKey && a.episodeId && a.turnId && (
            <button type="button" className="link" onClick={() => store.getState().navigate({ view: 'sessions', sessionKey: a.sessionKey, episodeId: a.episodeId, turnId: a.turnId, callId: a.callId })}>open turn</button>
          )}
          {a.evidence.map((e, i) => <pre key={i} className="evidence">{e.text}{e.sourceEpisodeId ? `\n(from episode ${e.sourceEpisodeId}${e.sourceTurnId ? `, turn ${e.sourceTurnId}` : ''})` : ''}</pre>)}
        </div>
      ))}
    </div>
  );
}
