// Leak alerts: what the detectors raised, grouped by session (named, with its origin) and within it
// by kind, newest first; filtered by kind and session in the engine (so alerts beyond the loaded
// pages are found too) and by lab runs here. Alerts live in the store; older pages load on demand.
import { useEffect, useMemo, useState } from 'react';
import type { Alert, AlertKind } from '../../../../shared/domain.ts';
import { plural } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { AlertCard } from './AlertCard.tsx';
import { AlertMap } from './AlertMap.tsx';
import { AlertTimeline } from './AlertTimeline.tsx';
import { loadAlerts } from './actions.ts';
import { kindLabel, useAlertKinds } from './alert-kinds.ts';
import { LeakLab } from './LeakLab.tsx';

type LabFilter = 'all' | 'hide' | 'only';

export function AlertsView() {
  const store = useStoreApi();
  const alerts = useStore((s) => s.alerts);
  const next = useStore((s) => s.alertsNext);
  const sessions = useStore((s) => s.sessions);
  const kinds = useAlertKinds();
  const [kind, setKind] = useState<AlertKind | ''>('');
  const [sessionKey, setSessionKey] = useState('');
  const [lab, setLab] = useState<LabFilter>('all');
  const [more, setMore] = useState<string | null>(null);
  const filtered = kind !== '' || sessionKey !== '';

  useEffect(() => {
    void loadAlerts(store, { kind, sessionKey }).then((after) => after !== undefined && setMore(after));
  }, [kind, sessionKey, store]);

  const loadMore = async () => {
    const cursor = filtered ? more : next;
    if (!cursor) return;
    const after = await loadAlerts(store, { kind, sessionKey }, cursor);
    if (after === undefined) return;
    if (filtered) setMore(after);
    else store.setState({ alertsNext: after });
  };
  const isLab = (a: Alert) => !!a.sessionKey && sessions[a.sessionKey]?.origin === 'lab';
  const shown = alerts.filter(
    (a) =>
      (!kind || a.kind === kind) &&
      (!sessionKey || a.sessionKey === sessionKey) &&
      (lab === 'all' || (lab === 'only') === isLab(a)),
  );
  const groups = bySessionAndKind(shown);
  const withAlerts = useMemo(
    () => [...new Set(alerts.map((a) => a.sessionKey).filter((k): k is string => !!k))].sort(),
    [alerts],
  );
  const hasMore = filtered ? more : next;
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
        <select aria-label="Session" value={sessionKey} onChange={(e) => setSessionKey(e.target.value)}>
          <option value="">all sessions</option>
          {withAlerts.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <select aria-label="Lab runs" value={lab} onChange={(e) => setLab(e.target.value as LabFilter)}>
          <option value="all">with lab runs</option>
          <option value="hide">without lab runs</option>
          <option value="only">lab runs only</option>
        </select>
        <span className="muted small" data-testid="alerts-count">
          {plural(shown.length, 'alert')} in {plural(groups.length, 'session')}
          {hasMore ? ' (more to load)' : ''}
        </span>
      </header>
      <AlertMap kind={kind} sessionKey={sessionKey} lab={lab} />
      <AlertTimeline kind={kind} sessionKey={sessionKey} />
      {shown.length === 0 && (
        <p className="empty">
          {filtered || lab !== 'all'
            ? 'No alert matches these filters.'
            : "No alerts. Prompts that repeat a turn or carry an earlier episode's content show up here."}
        </p>
      )}
      {groups.map(([key, byKind]) => (
        <section
          key={key}
          className="alert-session"
          aria-label={`Alerts of session ${key}`}
          data-testid="alert-session-group"
        >
          <h3 className="row">
            <span>{key === NO_SESSION ? 'Not about one session' : `Session ${key}`}</span>
            {sessions[key]?.origin && sessions[key]!.origin !== 'live' && (
              <span className="badge">{sessions[key]!.origin}</span>
            )}
            <span className="muted small">
              {[...byKind].map(([k, list]) => `${kindLabel(kinds, k)} ×${list.length}`).join(' · ')}
            </span>
          </h3>
          {[...byKind].map(([k, list]) => (
            <details key={k} open className="alert-kind-group" data-kind={k}>
              <summary>
                {kindLabel(kinds, k)} · {plural(list.length, 'alert')}
              </summary>
              {list.map((a) => (
                <AlertCard key={a.id} alert={a} showOpen />
              ))}
            </details>
          ))}
        </section>
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

const NO_SESSION = '';

/** Sessions in the order of their newest alert, each with its kinds in the order of their newest. */
function bySessionAndKind(alerts: Alert[]): Array<[string, Map<AlertKind, Alert[]>]> {
  const out = new Map<string, Map<AlertKind, Alert[]>>();
  for (const a of alerts) {
    const key = a.sessionKey ?? NO_SESSION;
    const kinds = out.get(key) ?? out.set(key, new Map()).get(key)!;
    kinds.set(a.kind, [...(kinds.get(a.kind) ?? []), a]);
  }
  return [...out];
}
