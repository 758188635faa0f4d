// What the export dialog asks the engine: what an export with these choices would write.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest, InvokeResponse } from '../../../../shared/api.ts';
import type { State } from '../../store/store.ts';

export function exportPreview(
  store: StoreApi<State>,
  req: InvokeRequest<'data:export-preview'>,
): Promise<InvokeResponse<'data:export-preview'>> {
  return store.getState().api.invoke('data:export-preview', req);
}
