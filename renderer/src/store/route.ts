// Deep links: every session, episode, turn and call has a URL (the hash), so a view can be shared
// and restored. Keys are URI-encoded; unknown paths fall back to the sessions view.

export type View = 'sessions' | 'label' | 'settings' | 'leaks';

export interface Route {
  view: View;
  sessionKey: string | null;
  episodeId: string | null;
  turnId: string | null;
  callId: string | null;
}

export const EMPTY_ROUTE: Route = { view: 'sessions', sessionKey: null, episodeId: null, turnId: null, callId: null };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const route: Route = { ...EMPTY_ROUTE };
  if (parts[0] === 'label' || parts[0] === 'settings' || parts[0] === 'leaks') return { ...route, view: parts[0] };
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [k, v] = [parts[i], parts[i + 1]!];
    if (k === 'session') route.sessionKey = v;
    else if (k === 'episode') route.episodeId = v;
    else if (k === 'turn') route.turnId = v;
    else if (k === 'call') route.callId = v;
  }
  return route;
}

export function formatRoute(r: Route): string {
  if (r.view !== 'sessions') return `#/${r.view}`;
  const parts: string[] = [];
  if (r.sessionKey) parts.push('session', r.sessionKey);
  if (r.sessionKey && r.episodeId) parts.push('episode', r.episodeId);
  if (r.sessionKey && r.episodeId && r.turnId) parts.push('turn', r.turnId);
  if (r.sessionKey && r.episodeId && r.turnId && r.callId) parts.push('call', r.callId);
  return '#/' + parts.map(encodeURIComponent).join('/');
}
