// A named question to the engine on one invoke channel. The features' data modules are lists of
// these: views ask by name, and only those modules and the store name a channel.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/api.ts';
import type { State } from './store.ts';

export function query<K extends InvokeChannel>(channel: K) {
  return (store: StoreApi<State>, req: InvokeRequest<K>): Promise<InvokeResponse<K>> =>
    store.getState().api.invoke(channel, req);
}
