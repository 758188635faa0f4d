// What the Stats view asks the engine: resources over a range, rewards and call timings (a session's
// or all). Errors become a notice; callers get null.
import type { StoreApi } from 'zustand/vanilla';
import type { ResourceSeries } from '../../../../shared/resources.ts';
import type { CallStats, RewardStats } from '../../../../shared/stats.ts';
import type { State } from '../../store/store.ts';

async function attempt<T>(store: StoreApi<State>, what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    store.getState().setNotice(`${what}: ${(err as Error).message}`, 'error');
    return null;
  }
}

export function loadResources(store: StoreApi<State>, sinceMs: number): Promise<ResourceSeries | null> {
  return attempt(store, 'Loading gateway resources failed', () =>
    store.getState().api.invoke('resources:series', { sinceMs }),
  );
}

export function loadRewardStats(
  store: StoreApi<State>,
  sessionKey: string,
  by: 'task' | 'group',
): Promise<RewardStats | null> {
  return attempt(store, 'Loading rewards failed', () =>
    store.getState().api.invoke('stats:rewards', { ...(sessionKey ? { sessionKey } : {}), by }),
  );
}

export function loadCallStats(store: StoreApi<State>, sessionKey: string): Promise<CallStats | null> {
  return attempt(store, 'Loading call timings failed', () =>
    store.getState().api.invoke('stats:calls', sessionKey ? { sessionKey } : {}),
  );
}
