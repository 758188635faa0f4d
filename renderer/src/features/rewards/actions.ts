// The label queue's data: the ended episodes it walks, an episode's turns, reward rows and alerts,
// and saving or undoing a label (errors become a notice; the store follows from the engine's events).
import type { StoreApi } from 'zustand/vanilla';
import type { Episode } from '../../../../shared/domain.ts';
import { reward } from '../../format.ts';
import { labelList, labelQueue, type State } from '../../store/store.ts';

const RECENT = 5;

/** Loads the ended episodes into the store and fixes the queue's first order (the unlabeled, oldest first). */
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
  store.setState((s) => ({ queue: [...s.queue, ...first.filter((id) => !s.queue.includes(id))] }));
}

export async function loadEpisodeDetail(store: StoreApi<State>, episodeId: string): Promise<void> {
  const api = store.getState().api;
  const [turns, rewards, alerts] = await Promise.all([
    api.invoke('turns:list', { episodeId }),
    api.invoke('rewards:list', { episodeId }),
    api.invoke('alerts:list', { episodeId, limit: 1000 }),
  ]);
  store.getState().setTurns(episodeId, turns);
  store.getState().setRewards(episodeId, rewards);
  store.getState().mergeAlerts(alerts.items);
}

/** The episode the label view shows (none at the queue's end). */
export function currentEpisodeId(st: State): string | undefined {
  return labelList(st)[st.labelIndex];
}

/** Saves a label on the episode shown; it stays in view, saved, until the labeler moves on. */
export async function save(store: StoreApi<State>, value: number, note = store.getState().draft.note): Promise<void> {
  const st = store.getState();
  const id = currentEpisodeId(st);
  if (!id) return;
  try {
    await st.api.invoke('rewards:set', { episodeId: id, value, ...(note ? { note } : {}) });
    await loadEpisodeDetail(store, id);
    store.setState((s) => ({
      draft: { value: null, note: '' },
      replacing: null,
      recentLabels: [
        ...s.recentLabels.filter((r) => r.episodeId !== id),
        { episodeId: id, value, at: Date.now() },
      ].slice(-RECENT),
    }));
  } catch (e) {
    store.getState().setNotice(`Not saved: ${(e as Error).message}`, 'error');
  }
}

/** Removes the last human label of an episode (the one shown, unless another is named). */
export async function undo(store: StoreApi<State>, episodeId = currentEpisodeId(store.getState())): Promise<void> {
  const st = store.getState();
  if (!episodeId) return;
  try {
    const r = await st.api.invoke('rewards:undo', { episodeId });
    store.getState().setNotice(r.removed ? `Removed the label ${reward(r.removed.value)}.` : 'No human label to undo.');
    store.setState((s) => ({ recentLabels: s.recentLabels.filter((x) => x.episodeId !== episodeId) }));
    await loadEpisodeDetail(store, episodeId);
  } catch (e) {
    store.getState().setNotice(`Undo failed: ${(e as Error).message}`, 'error');
  }
}
