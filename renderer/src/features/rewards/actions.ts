// The label queue's data: the ended episodes it walks, an episode's turns and reward rows, and
// saving or undoing a label (errors become a notice; the store follows from the engine's events).
import type { StoreApi } from 'zustand/vanilla';
import type { Episode } from '../../../../shared/domain.ts';
import { reward } from '../../format.ts';
import { labelQueue, type State } from '../../store/store.ts';

/** Loads the ended episodes into the store and fixes the queue's first order (unlabeled first). */
export async function loadQueue(store: StoreApi<State>): Promise<void> {
  const st = store.getState();
  const page = await st.api.invoke('episodes:list', { status: 'ended', limit: 1000 });
  const bySession: Record<string, Episode[]> = {};
  for (const e of page.items) (bySession[e.sessionKey] ??= []).push(e);
  for (const [k, list] of Object.entries(bySession)) {
    const known = (store.getState().episodes[k] ?? []).filter((e) => !list.some((x) => x.id === e.id));
    store.getState().setEpisodes(
      k,
      [...known, ...list].sort((a, b) => a.index - b.index),
    );
  }
  const first = labelQueue(page.items).map((e) => e.id);
  store.setState((s) => ({ queue: [...first, ...s.queue.filter((id) => !first.includes(id))] }));
}

export async function loadEpisodeDetail(store: StoreApi<State>, episodeId: string): Promise<void> {
  const api = store.getState().api;
  const [turns, rewards] = await Promise.all([
    api.invoke('turns:list', { episodeId }),
    api.invoke('rewards:list', { episodeId }),
  ]);
  store.getState().setTurns(episodeId, turns);
  store.getState().setRewards(episodeId, rewards);
}

export async function save(store: StoreApi<State>, advance: boolean): Promise<void> {
  const st = store.getState();
  const id = st.queue[Math.min(st.labelIndex, st.queue.length - 1)];
  const { value, note } = st.draft;
  if (!id || value === null) return;
  try {
    await st.api.invoke('rewards:set', { episodeId: id, value, ...(note ? { note } : {}) });
    // the episode, its reward rows and the queue follow from the engine's events
    await loadEpisodeDetail(store, id);
    const now = store.getState();
    if (advance) now.setLabelIndex(Math.min(now.labelIndex + 1, Math.max(0, now.queue.length - 1)));
    else now.setDraft({ value: null, note: '' });
  } catch (e) {
    store.getState().setNotice(`Not saved: ${(e as Error).message}`, 'error');
  }
}

export async function undo(store: StoreApi<State>): Promise<void> {
  const st = store.getState();
  const id = st.queue[Math.min(st.labelIndex, st.queue.length - 1)];
  if (!id) return;
  try {
    const r = await st.api.invoke('rewards:undo', { episodeId: id });
    store.getState().setNotice(r.removed ? `Removed the label ${reward(r.removed.value)}.` : 'No human label to undo.');
    await loadEpisodeDetail(store, id);
  } catch (e) {
    store.getState().setNotice(`Undo failed: ${(e as Error).message}`, 'error');
  }
}
