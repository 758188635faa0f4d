// Picks the transport for the host the renderer runs in; the rest of the UI never knows which.
// In a browser the server has already traded the printed URL's token for a cookie (ui-auth.ts)
// and sent the page on without it; a token still in the address bar is one the running engine
// did not take (a link from an earlier run). The page asks the server what its credential is
// worth before it shows anything, so a stale link says so instead of opening an empty workbench.
import type { WorkbenchApi } from '../../../shared/api.ts';
import { HttpTransport } from './http.ts';
import { IpcTransport, type TrajscopeBridge } from './ipc.ts';

/** Why the page may not use the engine: no credential at all, or one of a stopped run. */
export type Locked = 'none' | 'other_run' | 'unreachable';

export async function connect(win: {
  trajscope?: TrajscopeBridge;
  location: Location;
  history: History;
  fetch: typeof fetch;
}): Promise<{ api: WorkbenchApi } | { locked: Locked }> {
  if (win.trajscope) return { api: new IpcTransport(win.trajscope) };
  const url = new URL(win.location.href);
  const stale = url.searchParams.get('token');
  if (stale !== null) {
    // keep a token out of the address bar (and out of anything copied from it), good or not
    url.searchParams.delete('token');
    win.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  let state: string;
  try {
    const res = await win.fetch(`${url.origin}/api/auth`, {
      headers: stale !== null ? { authorization: `Bearer ${stale}` } : {},
    });
    state = ((await res.json()) as { state: string }).state;
  } catch {
    return { locked: 'unreachable' };
  }
  if (state === 'ok') return { api: new HttpTransport({ base: url.origin, token: stale ?? '' }) };
  return { locked: state === 'other_run' ? 'other_run' : 'none' };
}
