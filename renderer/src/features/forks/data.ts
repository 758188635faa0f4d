// What the fork panel asks the engine: a call's forks, and sending a new one.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest, InvokeResponse } from '../../../../shared/api.ts';
import type { State } from '../../store/store.ts';

export function listForks(
  store: StoreApi<State>,
  req: InvokeRequest<'calls:forks'>,
): Promise<InvokeResponse<'calls:forks'>> {
  return store.getState().api.invoke('calls:forks', req);
}

export function forkCall(
  store: StoreApi<State>,
  req: InvokeRequest<'calls:fork'>,
): Promise<InvokeResponse<'calls:fork'>> {
  return store.getState().api.invoke('calls:fork', req);
}
