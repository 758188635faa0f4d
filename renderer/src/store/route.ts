// Deep links: every session, episode, turn, call and fork, every group and every comparison has a
// URL (the hash), so a view can be shared and restored. Keys are URI-encoded; unknown paths fall
// back to the sessions view.

/** Every view; renderer/src/views.tsx holds one entry for each (a new name here fails its type check). */
export const VIEW_NAMES = ['sessions', 'label', 'leaks', 'groups', 'stats', 'search', 'settings', 'compare'] as const;
export type View = (typeof VIEW_NAMES)[number];

export const TURN_TABS = ['history', 'calls', 'sent', 'diff', 'tools', 'timeline', 'logs'] as const;
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
  /** The call's token view, open at this position of its prompt ids. */
  tokenAt: number | null;
  /** The token view's other call, side by side with this one. */
  otherCallId: string | null;
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
  tokenAt: null,
  otherCallId: null,
  groupId: null,
  otherEpisodeId: null,
  query: null,
};

/**
 * Each view's part of the URL: how its path reads into a route (null: not this view's path) and is
 * written from one. The sessions view owns every other path (session/…/episode/…/turn/…).
 */
const PATHS: Record<View, { parse(a?: string, b?: string): Partial<Route> | null; format(r: Route): string[] | null }> =
  {
    sessions: { parse: () => null, format: () => null },
    label: { parse: () => ({}), format: () => ['label'] },
    leaks: { parse: () => ({}), format: () => ['leaks'] },
    settings: { parse: () => ({}), format: () => ['settings'] },
    stats: { parse: () => ({}), format: () => ['stats'] },
    groups: { parse: (a) => ({ groupId: a ?? null }), format: (r) => (r.groupId ? ['groups', r.groupId] : ['groups']) },
    search: { parse: (a) => ({ query: a ?? null }), format: (r) => (r.query ? ['search', r.query] : ['search']) },
    compare: {
      parse: (a, b) => (a && b ? { episodeId: a, otherEpisodeId: b } : null),
      format: (r) => (r.episodeId && r.otherEpisodeId ? ['compare', r.episodeId, r.otherEpisodeId] : null),
    },
  };

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
  if (head && (VIEW_NAMES as readonly string[]).includes(head)) {
    const own = PATHS[head as View].parse(a, b);
    if (own) return { ...route, ...own, view: head as View };
  }
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [k, v] = [parts[i], parts[i + 1]!];
    if (k === 'session') route.sessionKey = v;
    else if (k === 'episode') route.episodeId = v;
    else if (k === 'turn') route.turnId = v;
    else if (k === 'tab' && (TURN_TABS as readonly string[]).includes(v)) route.tab = v as TurnTab;
    else if (k === 'call') route.callId = v;
    else if (k === 'fork') route.forkId = v;
    else if (k === 'tokens' && /^\d{1,9}$/.test(v)) route.tokenAt = Number(v);
    else if (k === 'vs') route.otherCallId = v;
  }
  return route;
}

export function formatRoute(r: Route): string {
  const enc = (parts: string[]) => '#/' + parts.map(encodeURIComponent).join('/');
  const own = PATHS[r.view].format(r);
  if (own) return enc(own);
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
  if (r.tokenAt !== null) parts.push('tokens', String(r.tokenAt));
  if (r.otherCallId) parts.push('vs', r.otherCallId);
  return enc(parts);
}
