// Deep links: every session, episode, turn, call and fork, every group and every comparison has a
// URL (the hash), so a view can be shared and restored. Keys are URI-encoded; unknown paths fall
// back to the sessions view.

export type View = 'sessions' | 'label' | 'settings' | 'leaks' | 'groups' | 'compare' | 'search';

export const TURN_TABS = ['history', 'calls', 'sent', 'diff', 'tools', 'logs'] as const;
export type TurnTab = (typeof TURN_TABS)[number];

export interface Route {
  view: View;
  sessionKey: string | null;
  episodeId: string | null;
  turnId: string | null;
  /** The open tab of the turn view (null: the default, upstream calls). */
  tab: TurnTab | null;
  callId: string | null;
  /** A fork of the call: its id, or "new" for the editor. */
  forkId: string | null;
  groupId: string | null;
  /** The comparison's other episode (episodeId against otherEpisodeId). */
  otherEpisodeId: string | null;
  /** The search view's query. */
  query: string | null;
}

export const EMPTY_ROUTE: Route = {
  view: 'sessions',
  sessionKey: null,
  episodeId: null,
  turnId: null,
  tab: null,
  callId: null,
  forkId: null,
  groupId: null,
  otherEpisodeId: null,
  query: null,
};

const SIMPLE_VIEWS = new Set<View>(['label', 'settings', 'leaks']);

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
  const [head, a, b] = parts;
  if (SIMPLE_VIEWS.has(head as View)) return { ...route, view: head as View };
  if (head === 'groups') return { ...route, view: 'groups', groupId: a ?? null };
  if (head === 'search') return { ...route, view: 'search', query: a ?? null };
  if (head === 'compare' && a && b) return { ...route, view: 'compare', episodeId: a, otherEpisodeId: b };
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [k, v] = [parts[i], parts[i + 1]!];
    if (k === 'session') route.sessionKey = v;
    else if (k === 'episode') route.episodeId = v;
    else if (k === 'turn') route.turnId = v;
    else if (k === 'tab' && (TURN_TABS as readonly string[]).includes(v)) route.tab = v as TurnTab;
    else if (k === 'call') route.callId = v;
    else if (k === 'fork') route.forkId = v;
  }
  return route;
}

export function formatRoute(r: Route): string {
  const enc = (parts: string[]) => '#/' + parts.map(encodeURIComponent).join('/');
  if (SIMPLE_VIEWS.has(r.view)) return `#/${r.view}`;
  if (r.view === 'groups') return enc(r.groupId ? ['groups', r.groupId] : ['groups']);
  if (r.view === 'search') return enc(r.query ? ['search', r.query] : ['search']);
  if (r.view === 'compare' && r.episodeId && r.otherEpisodeId) return enc(['compare', r.episodeId, r.otherEpisodeId]);
  const parts: string[] = [];
  if (!r.sessionKey) return enc(parts);
  parts.push('session', r.sessionKey);
  if (!r.episodeId) return enc(parts);
  parts.push('episode', r.episodeId);
  if (!r.turnId) return enc(parts);
  parts.push('turn', r.turnId);
  if (r.tab) parts.push('tab', r.tab);
  if (!r.callId) return enc(parts);
  parts.push('call', r.callId);
  if (r.forkId) parts.push('fork', r.forkId);
  return enc(parts);
}
