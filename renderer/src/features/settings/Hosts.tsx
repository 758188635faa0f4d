// Settings → Hosts: the engines this one shows as a hub (its `remotes`, from the config file or
// TRAJSCOPE_REMOTES: their tokens are never typed here), each reachable or not since when, and why.
import { useEffect, useState } from 'react';
import type { HostStatus } from '../../../../shared/hosts.ts';
import { clock } from '../../format.ts';
import { useStoreApi } from '../../store/use-store.ts';
import { loadHosts } from './actions.ts';

export function Hosts() {
  const store = useStoreApi();
  const [hosts, setHosts] = useState<HostStatus[] | null>(null);
  useEffect(() => {
    const load = () => void loadHosts(store).then((h) => h && setHosts(h));
    load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, [store]);
  return (
    <section aria-label="Hosts">
      <h3>Hosts</h3>
      {!hosts || hosts.length === 0 ? (
        <p className="muted small">
          This engine shows its own sessions only. With <code>remotes</code> in its config file (or{' '}
          <code>TRAJSCOPE_REMOTES</code>) it is a hub over other engines: docs/cluster.md.
        </p>
      ) : (
        <table className="small" data-testid="hosts">
          <thead>
            <tr>
              <th>host</th>
              <th>address</th>
              <th>state</th>
              <th>since</th>
              <th>last answer</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.name} data-host={h.name}>
                <td>{h.name}</td>
                <td>{h.url}</td>
                <td className={h.reachable === false ? 'error-text' : ''}>
                  {h.reachable === null ? 'not asked yet' : h.reachable ? 'reachable' : `unreachable: ${h.error ?? ''}`}
                </td>
                <td>{clock(h.since)}</td>
                <td>{clock(h.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
