// User actions that span several API calls. Errors become a notice, never an uncaught throw.
import { plural } from '../../format.ts';
import type { StoreApi } from 'zustand/vanilla';
import type { State } from '../../store/store.ts';
import type { Progress } from '../../../../shared/progress.ts';
import type { PromptSizes } from '../../../../shared/stats.ts';
import { SAMPLE_MESSAGES, SAMPLE_TASK_ID } from '../../../../shared/sample-task.ts';

async function attempt<T>(store: StoreApi<State>, what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    store.getState().setNotice(`${what} failed: ${(err as Error).message}`, 'error');
    return null;
  }
}

export function createSession(store: StoreApi<State>, key?: string): Promise<string | null> {
  return attempt(store, 'New session', async () => {
    const { api } = store.getState();
    const s = await api.invoke('sessions:create', key ? { key } : {});
    store.getState().upsertSession(s);
    store.getState().navigate({ view: 'sessions', sessionKey: s.key, episodeId: null, turnId: null, callId: null });
    return s.key;
  });
}

export async function loadEpisodes(store: StoreApi<State>, sessionKey: string): Promise<void> {
  await attempt(store, 'Loading episodes', async () => {
    // a session's newest episodes; the timeline shows them newest first
    const page = await store.getState().api.invoke('episodes:list', { sessionKey, order: 'desc', limit: 200 });
    store.getState().setEpisodes(sessionKey, [...page.items].reverse());
  });
}

export async function loadTurns(store: StoreApi<State>, episodeId: string): Promise<void> {
  await attempt(store, 'Loading turns', async () => {
    const list = await store.getState().api.invoke('turns:list', { episodeId });
    store.getState().setTurns(episodeId, list);
  });
}

export function loadPromptSizes(store: StoreApi<State>, episodeId: string): Promise<PromptSizes | null> {
  return attempt(store, 'Loading prompt sizes', () => store.getState().api.invoke('stats:prompt-sizes', { episodeId }));
}

export function sendMessage(store: StoreApi<State>, sessionKey: string, message: string) {
  return attempt(store, 'Sending', async () => {
    const turn = await store.getState().api.invoke('turns:send', { sessionKey, message });
    store.getState().upsertTurn(turn);
    store.getState().navigate({ sessionKey, episodeId: turn.episodeId, turnId: turn.id, callId: null });
    return turn;
  });
}

export function startEpisode(store: StoreApi<State>, sessionKey: string, taskId?: string) {
  return attempt(store, 'Episode start', async () => {
    const ep = await store.getState().api.invoke('episodes:start', { sessionKey, ...(taskId ? { taskId } : {}) });
    store.getState().upsertEpisode(ep);
    store.getState().navigate({ sessionKey, episodeId: ep.id, turnId: null, callId: null });
    return ep;
  });
}

export function endEpisode(store: StoreApi<State>, sessionKey: string) {
  return attempt(store, 'Episode end', async () => {
    const ep = await store.getState().api.invoke('episodes:end', { sessionKey });
    store.getState().upsertEpisode(ep);
    return ep;
  });
}

/** An exported trajectory file (AReaL's shapes or trajscope JSON Lines) into read-only episodes. */
export function importFile(store: StoreApi<State>, file: File) {
  return attempt(store, `Import of ${file.name}`, async () => {
    const r = await store.getState().api.invoke('data:import', { name: file.name, content: await file.text() });
    store
      .getState()
      .setNotice(
        `Imported ${plural(r.interactions, 'interaction')} in ${plural(r.episodes.length, 'episode')} ` +
          `from ${file.name} (${r.format}) into ` +
          (r.sessionKeys.length === 1 ? r.sessionKey : `${r.sessionKeys.length} sessions`) +
          (r.alerts ? `: ${plural(r.alerts, 'leak alert')}` : ''),
      );
    store
      .getState()
      .navigate({ view: 'sessions', sessionKey: r.sessionKey, episodeId: null, turnId: null, callId: null });
    return r;
  });
}

/**
 * Drives a scripted multi-turn episode so a new user sees every view fill: four turns, each shown
 * as a step with the time it takes (a warm gateway from the pool answers at once; a cold one takes
 * 15–25 s to start before the first turn).
 */
export async function runSampleTask(store: StoreApi<State>): Promise<void> {
  const key = await createSession(store, `sample-${Date.now().toString(36)}`);
  if (!key) return;
  const base: Progress = {
    id: `sample-${key}`,
    kind: 'sample',
    title: `Sample task in ${key}`,
    step: 'starting the episode (a cold gateway takes 15–25 s; a warm one is ready)',
    done: 0,
    total: SAMPLE_MESSAGES.length,
    startedAt: Date.now(),
    endedAt: null,
    error: null,
  };
  const show = (change: Partial<Progress>) => store.getState().upsertProgress({ ...base, ...change });
  const failed = () => show({ endedAt: Date.now(), error: 'stopped: see the notice', step: 'failed' });
  show({});
  if (!(await startEpisode(store, key, SAMPLE_TASK_ID))) return failed();
  for (const [i, m] of SAMPLE_MESSAGES.entries()) {
    show({ step: `turn ${i + 1} of ${SAMPLE_MESSAGES.length}`, done: i });
    if (!(await sendMessage(store, key, m))) return failed();
  }
  show({ step: 'ending the episode', done: SAMPLE_MESSAGES.length });
  if (!(await endEpisode(store, key))) return failed();
  show({ step: 'done', done: SAMPLE_MESSAGES.length, endedAt: Date.now() });
  store.getState().setNotice(`Sample task done in ${key}: label it in the Label view (press 1–9, then Enter).`);
}
