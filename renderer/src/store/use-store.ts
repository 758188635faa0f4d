// React binding for the store: one context, narrow selectors.
import { createContext, useContext, useMemo } from 'react';
import { useStore as useZustand, type StoreApi } from 'zustand';
import type { Alert } from '../../../shared/domain.ts';
import type { State } from './store.ts';

export const StoreContext = createContext<StoreApi<State> | null>(null);

export function useStore<T>(selector: (s: State) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return useZustand(store, selector);
}

const NO_ALERTS: Alert[] = [];

/** The leak alerts raised on one turn. */
export function useTurnAlerts(turnId: string): Alert[] {
  const all = useStore((s) => s.alerts ?? NO_ALERTS);
  return useMemo(() => all.filter((a) => a.turnId === turnId), [all, turnId]);
}

export function useStoreApi(): StoreApi<State> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return store;
}
