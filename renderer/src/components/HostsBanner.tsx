// A hub's remote engine that does not answer: every view that lists across hosts (sessions, alerts,
// the alert map, search, the label queue, groups, the Stats charts) lacks what it holds, so that is said at the top
// for as long as it lasts — a list that silently misses a host would read as complete.
import type { HostStatus } from '../../../shared/hosts.ts';
import { useStore } from '../store/use-store.ts';

/** Whether a hub's host answers now (undefined: no such host in the status). */
export function hostAnswers(hosts: HostStatus[], name: string): boolean | undefined {
  const h = hosts.find((x) => x.name === name);
  return h && h.reachable !== false;
}

export function HostsBanner() {
  const down = useStore((s) => s.hosts).filter((h) => h.reachable === false);
  if (down.length === 0) return null;
  return (
    <div className="offline-banner" role="status" data-testid="hosts-banner">
      {down.map((h) => (
        <div key={h.name}>
          <strong>Host {h.name} does not answer</strong>
          {h.since ? ` since ${new Date(h.since).toLocaleTimeString()}` : ''}
          {h.error ? ` — ${h.error}` : ''}. Its sessions are shown as last known, greyed; alerts, search, the label
          queue, groups and Stats lack what it holds until it answers.
        </div>
      ))}
    </div>
  );
}
