// What the session, turn and diff views ask the engine: turns, their calls with the request as
// sent, the logs of a turn's time, and restarting or closing a session.
import type { StoreApi } from 'zustand/vanilla';
import type { InvokeRequest, InvokeResponse } from '../../../../shared/api.ts';
import type { State } from '../../store/store.ts';

export function getTurn(store: StoreApi<State>, req: InvokeRequest<'turns:get'>): Promise<InvokeResponse<'turns:get'>> {
  return store.getState().api.invoke('turns:get', req);
}

export function listTurns(
  store: StoreApi<State>,
  req: InvokeRequest<'turns:list'>,
): Promise<InvokeResponse<'turns:list'>> {
  return store.getState().api.invoke('turns:list', req);
}

export function listEpisodes(
  store: StoreApi<State>,
  req: InvokeRequest<'episodes:list'>,
): Promise<InvokeResponse<'episodes:list'>> {
  return store.getState().api.invoke('episodes:list', req);
}

export function listCalls(
  store: StoreApi<State>,
  req: InvokeRequest<'calls:list'>,
): Promise<InvokeResponse<'calls:list'>> {
  return store.getState().api.invoke('calls:list', req);
}

export function getCall(store: StoreApi<State>, req: InvokeRequest<'calls:get'>): Promise<InvokeResponse<'calls:get'>> {
  return store.getState().api.invoke('calls:get', req);
}

export function logsBetween(
  store: StoreApi<State>,
  req: InvokeRequest<'logs:range'>,
): Promise<InvokeResponse<'logs:range'>> {
  return store.getState().api.invoke('logs:range', req);
}

export function restartSession(
  store: StoreApi<State>,
  req: InvokeRequest<'sessions:restart'>,
): Promise<InvokeResponse<'sessions:restart'>> {
  return store.getState().api.invoke('sessions:restart', req);
}

export function closeSession(
  store: StoreApi<State>,
  req: InvokeRequest<'sessions:close'>,
): Promise<InvokeResponse<'sessions:close'>> {
  return store.getState().api.invoke('sessions:close', req);
}
