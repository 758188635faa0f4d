// Keeps the renderer's store in step with the engine: the snapshot, then events, and the
// snapshot again whenever the event stream (re)connects.
import type { StoreApi } from 'zustand/vanilla';
import type { Notice } from '../../../shared/api.ts';
import type { State } from './store.ts';

/**
 * Loads the snapshot and keeps the store in step with engine events. The snapshot is loaded
 * again each time the event stream (re)connects: an event sent before the stream was open (a
 * session imported while the page was still connecting) or while it was down would otherwise
 * be lost for good. A session changed by an event while a snapshot loads keeps the event's
 * version. Returns an unsubscribe.
 */
export async function syncStore(store: StoreApi<State>): Promise<() => void> {
  const { api } = store.getState();
  const refetchRewards = (episodeId: string) => {
    if (!store.getState().rewards[episodeId]) return; // nobody has looked at them yet
    void api
      .invoke('rewards:list', { episodeId })
      .then((list) => store.getState().setRewards(episodeId, list))
      .catch((e: Error) => store.getState().setNotice(`Reloading labels failed: ${e.message}`, 'error'));
  };
  // what events touched while each snapshot in flight was loading (session keys, and 'config',
  // 'gateways', 'health' for the engine-wide values): the event is newer than what the load read
  const loading = new Set<Set<string>>();
  const touched = (keys: string[]) => loading.forEach((t) => keys.forEach((k) => t.add(k)));
  const ENGINE = { config: '\0config', gateways: '\0gateways', health: '\0health' } as const;
  const offs = [
    api.on('sessions:changed', (s) => {
      touched([s.key]);
      store.getState().upsertSession(s);
    }),
    api.on('sessions:removed', (p) => {
      touched(p.keys);
      store.getState().removeSessions(p.keys);
    }),
    api.on('episodes:changed', (e) => store.getState().upsertEpisode(e)),
    api.on('turns:changed', (t) => store.getState().upsertTurn(t)),
    api.on('calls:recorded', (c) => store.getState().upsertCall(c)),
    api.on('alerts:raised', (a) => store.getState().mergeAlerts([a])),
    api.on('rewards:changed', (r) => refetchRewards(r.episodeId)),
    api.on('config:changed', (config) => {
      touched([ENGINE.config]);
      store.setState({ config });
    }),
    api.on('gateways:stats', (gateways) => {
      touched([ENGINE.gateways]);
      store.setState({ gateways });
    }),
    api.on('hosts:changed', (hosts) => {
      const was = store.getState().hosts;
      const back = hosts.some((h) => h.reachable && was.some((o) => o.name === h.name && !o.reachable));
      const added = hosts.some((h) => !was.some((o) => o.name === h.name));
      store.setState({ hosts });
      // a host added, or answering again: its sessions as they are now (a removed one's are told gone)
      if (back || added) void load().catch(() => {});
    }),
    api.on('progress:changed', (p) => store.getState().upsertProgress(p)),
    api.on('engine:health', (health) => {
      touched([ENGINE.health]);
      store.setState({ health });
    }),
    api.on('notices:raised', (n: Notice) =>
      // the engine's own notices are unasked for: they stay until dismissed
      store.getState().setNotice(n.message, n.level),
    ),
  ];
  const load = async () => {
    const changed = new Set<string>();
    loading.add(changed);
    try {
      const [info, settings, config, sessions, alerts, progress, hosts] = await Promise.all([
        api.invoke('app:info', {}),
        api.invoke('settings:get', {}),
        api.invoke('config:get', {}),
        api.invoke('sessions:list', {}),
        api.invoke('alerts:list', {}),
        api.invoke('progress:list', {}),
        api.invoke('hosts:list', {}),
      ]);
      store.setState((st) => {
        const next = { ...st.sessions };
        // one page holds every session: one it lacks was removed while no event could say so
        if (!sessions.next) for (const k of Object.keys(next)) if (!changed.has(k)) delete next[k];
        for (const s of sessions.items) if (!changed.has(s.key)) next[s.key] = s;
        return {
          info,
          gateways: changed.has(ENGINE.gateways) ? st.gateways : info.gateways,
          health: changed.has(ENGINE.health) ? st.health : info.health,
          settings,
          config: changed.has(ENGINE.config) ? st.config : config,
          sessions: next,
          sessionsNext: sessions.next,
          alertsNext: alerts.next,
          hosts,
          syncs: st.syncs + 1,
        };
      });
      store.getState().mergeAlerts(alerts.items);
      for (const p of progress) store.getState().upsertProgress(p);
    } finally {
      loading.delete(changed);
    }
  };
  // the first load may have read the engine before the stream opened: every (re)connect loads again
  offs.push(
    api.onConnected(() => {
      if (!store.getState().connection.up) store.setState({ connection: { up: true } });
      load().catch((e: Error) => store.getState().setNotice(`Reloading failed: ${e.message}`, 'error'));
    }),
    api.onDisconnected((why) => {
      const was = store.getState().connection;
      store.setState({ connection: { up: false, since: was.up ? Date.now() : was.since, why } });
    }),
  );
  await load();
  return () => offs.forEach((off) => off());
}
