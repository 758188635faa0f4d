// What the search view asks the engine.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest, InvokeResponse } from '../../../../shared/api.ts';
import type { State } from '../../store/store.ts';

export function searchCalls(
  store: StoreApi<State>,
  req: InvokeRequest<'search:calls'>,
): Promise<InvokeResponse<'search:calls'>> {
  return store.getState().api.invoke('search:calls', req);
}
