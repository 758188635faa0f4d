// React binding for the store: one context, narrow selectors.
import { createContext, useContext } from 'react';
import { useStore as useZustand, type StoreApi } from 'zustand';
import type { State } from './store.ts';

export const StoreContext = createContext<StoreApi<State> | null>(null);

export function useStore<T>(selector: (s: State) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return useZustand(store, selector);
}

export function useStoreApi(): StoreApi<State> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return store;
}
