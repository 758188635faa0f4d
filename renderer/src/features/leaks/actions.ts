// What the Leaks view asks the engine: alerts by kind and page, the lab's scenarios, a lab run, and
// removing every lab run's data. Errors become a notice; callers get null.
import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { AlertMap, InvokeResponse, LabVerdict, TurnAlertMap } from '../../../../shared/api.ts';
import type { AlertTimes } from '../../../../shared/stats.ts';
import type { State } from '../../store/store.ts';
import { useStoreApi } from '../../store/use-store.ts';

async function attempt<T>(store: StoreApi<State>, what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    store.getState().setNotice(`${what}: ${(err as Error).message}`, 'error');
    return null;
  }
}

/**
 * A page of alerts (of one kind or session, or all) merged into the store: the next page's cursor (null: none
 * left), or undefined when it failed (said in a notice; the cursor the caller holds stays good).
 */
export async function loadAlerts(
  store: StoreApi<State>,
  filter: { kind: string; sessionKey: string },
  cursor?: string,
): Promise<string | null | undefined> {
  const page = await attempt(store, 'Loading alerts failed', () =>
    store.getState().api.invoke('alerts:list', {
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.sessionKey ? { sessionKey: filter.sessionKey } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  if (!page) return undefined;
  store.getState().mergeAlerts(page.items);
  return page.next;
}

/** The scenarios with their last verdicts, and a reload (after a run or a removal of lab data). */
export function useLabScenarios(): [InvokeResponse<'lab:list'>, () => void] {
  const store = useStoreApi();
  const [scenarios, setScenarios] = useState<InvokeResponse<'lab:list'>>([]);
  const [loads, setLoads] = useState(0);
  useEffect(() => {
    void attempt(store, 'Loading the lab scenarios failed', () => store.getState().api.invoke('lab:list', {})).then(
      (list) => list && setScenarios(list),
    );
  }, [store, loads]);
  return [scenarios, () => setLoads((n) => n + 1)];
}

export function runLabScenario(store: StoreApi<State>, name: string): Promise<LabVerdict | null> {
  return attempt(store, `Lab ${name}`, () => store.getState().api.invoke('lab:run', { scenario: name }));
}

/** Removes every lab run's sessions with what they recorded; says how many. */
export async function clearLabData(store: StoreApi<State>): Promise<boolean> {
  const r = await attempt(store, 'Removing the lab data failed', () => store.getState().api.invoke('lab:clear', {}));
  if (r) store.getState().setNotice(`Removed ${r.removed} lab session(s) with everything they recorded.`);
  return r !== null;
}

/** The alert map's counts (null when it failed, said in a notice). */
export function loadAlertTimes(
  store: StoreApi<State>,
  filter: { kind: string; sessionKey: string },
): Promise<AlertTimes | null> {
  return attempt(store, 'Loading the alert timeline failed', () =>
    store.getState().api.invoke('stats:alert-times', {
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.sessionKey ? { sessionKey: filter.sessionKey } : {}),
    }),
  );
}

/**
 * A leaky episode's proof: the turn of its latest alert (the turn view opens on the proof), or the
 * episode when its alerts name no turn.
 */
export async function openLeak(
  store: StoreApi<State>,
  cell: { sessionKey: string; episodeId: string; turnId: string | null },
): Promise<void> {
  if (cell.turnId) {
    store.getState().navigate({
      view: 'sessions',
      sessionKey: cell.sessionKey,
      episodeId: cell.episodeId,
      turnId: cell.turnId,
      callId: null,
    });
    return;
  }
  const page = await attempt(store, 'Opening the alert failed', () =>
    store.getState().api.invoke('alerts:list', { episodeId: cell.episodeId, limit: 1 }),
  );
  const latest = page?.items[0] ?? null;
  store.getState().navigate({
    view: 'sessions',
    sessionKey: cell.sessionKey,
    episodeId: cell.episodeId,
    turnId: latest?.turnId ?? null,
    callId: null,
  });
}

export function loadTurnAlertMap(store: StoreApi<State>, sessionKey: string): Promise<TurnAlertMap | null> {
  return attempt(store, 'Loading the alert map failed', () =>
    store.getState().api.invoke('alerts:turn-map', { sessionKey }),
  );
}

export function loadAlertMap(store: StoreApi<State>): Promise<AlertMap | null> {
  return attempt(store, 'Loading the alert map failed', () => store.getState().api.invoke('alerts:map', {}));
}
