// Picks the transport for the host the renderer runs in; the rest of the UI never knows which.
import type { WorkbenchApi } from '../../../shared/api.ts';
import { HttpTransport } from './http.ts';
import { IpcTransport, type TrajscopeBridge } from './ipc.ts';

export function connect(win: {
  trajscope?: TrajscopeBridge;
  location: Location;
  sessionStorage: Storage;
  history: History;
}): WorkbenchApi {
  if (win.trajscope) return new IpcTransport(win.trajscope);
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    // keep the token out of the address bar (and out of anything copied from it)
    win.sessionStorage.setItem('trajscope-token', fromUrl);
    url.searchParams.delete('token');
    win.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl ?? win.sessionStorage.getItem('trajscope-token') ?? '';
  return new HttpTransport({ base: url.origin, token });
}
