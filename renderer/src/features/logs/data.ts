// What the log terminal asks the engine: a session's recent gateway log lines.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest, InvokeResponse } from '../../../../shared/api.ts';
import type { State } from '../../store/store.ts';

export function recentLogs(
  store: StoreApi<State>,
  req: InvokeRequest<'logs:recent'>,
): Promise<InvokeResponse<'logs:recent'>> {
  return store.getState().api.invoke('logs:recent', req);
}
