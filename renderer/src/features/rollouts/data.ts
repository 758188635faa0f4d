// What the replay and comparison views ask the engine.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest, InvokeResponse } from '../../../../shared/api.ts';
import type { State } from '../../store/store.ts';

export function compareEpisodes(
  store: StoreApi<State>,
  req: InvokeRequest<'episodes:compare'>,
): Promise<InvokeResponse<'episodes:compare'>> {
  return store.getState().api.invoke('episodes:compare', req);
}

export function replayEpisode(
  store: StoreApi<State>,
  req: InvokeRequest<'episodes:replay'>,
): Promise<InvokeResponse<'episodes:replay'>> {
  return store.getState().api.invoke('episodes:replay', req);
}
