// What Settings asks the engine: saving the UI's preferences and the engine's settings (then the
// app info they change), a session's effective gateway config, probing a model server, and the
// data dir's size, prune and vacuum.
import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest, UpstreamProbe } from '../../../../shared/api.ts';
import type { ConfigPatch } from '../../../../shared/config.ts';
import type { PruneResult, StorageStats } from '../../../../shared/domain.ts';
import type { HostStatus } from '../../../../shared/hosts.ts';
import type { UpstreamConnection } from '../../../../shared/rollouts.ts';
import type { State } from '../../store/store.ts';
import { useStoreApi } from '../../store/use-store.ts';

/** The hub's hosts and whether each answers (null: the engine did not say; quietly, it is polled). */
export async function loadHosts(store: StoreApi<State>): Promise<HostStatus[] | null> {
  try {
    return await store.getState().api.invoke('hosts:list', {});
  } catch {
    return null;
  }
}

/** Settings → Hosts: adds or removes a remote; the hosts after it, or null (the reason in a notice). */
export async function editHosts(
  store: StoreApi<State>,
  edit: { add: InvokeRequest<'hosts:add'> } | { remove: string },
): Promise<HostStatus[] | null> {
  try {
    const hosts =
      'add' in edit
        ? await store.getState().api.invoke('hosts:add', edit.add)
        : await store.getState().api.invoke('hosts:remove', { name: edit.remove });
    // the store's hosts follow the engine's hosts:changed, which also reloads the lists they change
    store.getState().setNotice('add' in edit ? `Host ${edit.add.name} added.` : `Host ${edit.remove} removed.`);
    return hosts;
  } catch (e) {
    store.getState().setNotice((e as Error).message, 'error');
    return null;
  }
}

/** Saves the UI's own settings; true once saved (a failure is said in a notice). */
export async function savePrefs(store: StoreApi<State>, patch: InvokeRequest<'settings:set'>): Promise<boolean> {
  try {
    store.setState({ settings: await store.getState().api.invoke('settings:set', patch) });
    store.getState().setNotice('Settings saved.');
    return true;
  } catch (e) {
    store.getState().setNotice((e as Error).message, 'error');
    return false;
  }
}

/** Saves engine settings, then reads the app info they change; `done` is the notice on success. */
export async function saveConfig(store: StoreApi<State>, patch: ConfigPatch, done: string): Promise<boolean> {
  try {
    store.setState({ config: await store.getState().api.invoke('config:set', patch) });
    store.setState({ info: await store.getState().api.invoke('app:info', {}) });
    store.getState().setNotice(done);
    return true;
  } catch (e) {
    store.getState().setNotice((e as Error).message, 'error');
    return false;
  }
}

/** The OpenClaw config a session's gateway runs with, as text (or why it could not be read). */
export function useEffectiveGatewayConfig(sessionKey: string | null): string | null {
  const store = useStoreApi();
  const [effective, setEffective] = useState<string | null>(null);
  useEffect(() => {
    if (!sessionKey) return;
    void store
      .getState()
      .api.invoke('gateways:config', { sessionKey })
      .then((r) => setEffective(r.config ? JSON.stringify(r.config, null, 2) : null))
      .catch((e: Error) => setEffective(`(the effective config could not be read: ${e.message})`));
  }, [sessionKey, store]);
  return effective;
}

/** Asks a model server for its models with what was typed (nothing saved); a failure is the answer. */
export async function probeUpstream(
  store: StoreApi<State>,
  typed: InvokeRequest<'config:test-upstream'>,
): Promise<UpstreamProbe> {
  try {
    return await store.getState().api.invoke('config:test-upstream', typed);
  } catch (e) {
    return { ok: false, models: [], message: (e as Error).message };
  }
}

export function storageStats(store: StoreApi<State>): Promise<StorageStats> {
  return store.getState().api.invoke('data:stats', {});
}

export function pruneData(store: StoreApi<State>, req: InvokeRequest<'data:prune'>): Promise<PruneResult> {
  return store.getState().api.invoke('data:prune', req);
}

export function vacuum(store: StoreApi<State>) {
  return store.getState().api.invoke('data:vacuum', {});
}

/** Sets (null: clears) a connection's own tokenizer; the connections then, or null on failure (said in a notice). */
export async function setConnectionTokenizer(
  store: StoreApi<State>,
  upstream: string,
  tokenizer: string | null,
): Promise<UpstreamConnection[] | null> {
  try {
    const list = await store.getState().api.invoke('upstreams:set-tokenizer', { upstream, tokenizer });
    store
      .getState()
      .setNotice(tokenizer ? `Tokenizer saved: this connection's calls are checked with it.` : 'Tokenizer cleared.');
    return list;
  } catch (e) {
    store.getState().setNotice((e as Error).message, 'error');
    return null;
  }
}
