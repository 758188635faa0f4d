// What the group views ask the engine: the groups, starting one, one group's rollouts, labels given
// and undone there, and the events that change a group while it is open.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest } from '../../../../shared/api.ts';
import type { State } from '../../store/store.ts';

export function listGroups(store: StoreApi<State>) {
  return store.getState().api.invoke('groups:list', {});
}

export function startGroup(store: StoreApi<State>, req: InvokeRequest<'groups:start'>) {
  return store.getState().api.invoke('groups:start', req);
}

export function getGroup(store: StoreApi<State>, groupId: string) {
  return store.getState().api.invoke('groups:get', { groupId });
}

export function labelRollout(store: StoreApi<State>, episodeId: string, value: number) {
  return store.getState().api.invoke('rewards:set', { episodeId, value });
}

export function undoLabel(store: StoreApi<State>, episodeId: string) {
  return store.getState().api.invoke('rewards:undo', { episodeId });
}

/**
 * Calls `changed` (at most every 150 ms) while a group's rollouts run and are labeled: an episode of
 * the group, or one of `ours`, changed, or a turn, reward or alert of one. Returns the unsubscribe.
 */
export function followGroup(
  store: StoreApi<State>,
  groupId: string,
  ours: (episodeId: string) => boolean,
  changed: () => void,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const soon = () => (timer ??= setTimeout(() => ((timer = null), changed()), 150));
  const api = store.getState().api;
  const offs = [
    api.on('episodes:changed', (e) => (e.groupId === groupId || ours(e.id)) && soon()),
    api.on('turns:changed', (t) => ours(t.episodeId) && soon()),
    api.on('rewards:changed', (r) => ours(r.episodeId) && soon()),
    api.on('alerts:raised', (a) => a.episodeId !== null && ours(a.episodeId) && soon()),
  ];
  return () => {
    offs.forEach((off) => off());
    if (timer) clearTimeout(timer);
  };
}
