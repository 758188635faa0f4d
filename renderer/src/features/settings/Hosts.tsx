// Settings → Hosts: the engines this one shows as a hub (its `remotes`), each reachable or not since
// when, and why; added here (name, address, token — the token in a password field, never shown
// again) unless the config file or TRAJSCOPE_REMOTES sets them, and removed with a click.
import { useEffect, useState, type FormEvent } from 'react';
import type { HostStatus } from '../../../../shared/hosts.ts';
import { clock } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { editHosts, loadHosts } from './actions.ts';

export function Hosts() {
  const store = useStoreApi();
  const [hosts, setHosts] = useState<HostStatus[] | null>(null);
  useEffect(() => {
    const load = () => void loadHosts(store).then((h) => h && setHosts(h));
    load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, [store]);
  const pinned = useStore((s) => s.config?.pinned.includes('remotes') ?? false);
  const source = useStore((s) => s.config?.sources.remotes);
  const [draft, setDraft] = useState({ name: '', url: '', token: '' });
  const [busy, setBusy] = useState(false);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const now = await editHosts(store, { add: draft });
    setBusy(false);
    if (now) {
      setHosts(now);
      setDraft({ name: '', url: '', token: '' });
    }
  };
  const remove = async (name: string) => {
    const now = await editHosts(store, { remove: name });
    if (now) setHosts(now);
  };
  return (
    <section aria-label="Hosts">
      <h3>Hosts</h3>
      {!hosts || hosts.length === 0 ? (
        <p className="muted small">
          This engine shows its own sessions only. Add another engine below (its URL and UI token), or put{' '}
          <code>remotes</code> in its config file, and it is a hub over them: docs/cluster.md.
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
              {!pinned && <th />}
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
                {!pinned && (
                  <td>
                    <button type="button" className="link" onClick={() => void remove(h.name)}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pinned ? (
        <p className="muted small">
          The hosts come from {source === 'env' ? 'TRAJSCOPE_REMOTES' : 'the config file'}: change them there.
        </p>
      ) : (
        <form className="row wrap" onSubmit={(e) => void add(e)} data-testid="host-add">
          <input
            aria-label="Host name"
            placeholder="name (node-a)"
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value.trim() })}
            required
          />
          <input
            aria-label="Workbench URL"
            placeholder="http://10.0.0.5:38883"
            value={draft.url}
            onChange={(e) => setDraft({ ...draft, url: e.target.value.trim() })}
            required
          />
          <input
            aria-label="UI token"
            type="password"
            autoComplete="off"
            placeholder="its uiToken"
            value={draft.token}
            onChange={(e) => setDraft({ ...draft, token: e.target.value })}
            required
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Checking…' : 'Add host'}
          </button>
        </form>
      )}
    </section>
  );
}
