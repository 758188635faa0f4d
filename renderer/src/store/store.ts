// The renderer's one store (zustand, slices): it mirrors engine snapshots and applies engine
// events; the engine stays the source of truth. Logs bypass it (they go straight to xterm).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo, Settings, WorkbenchApi } from '../../../shared/api.ts';
import type { Alert, Episode, SessionInfo, Turn } from '../../../shared/domain.ts';
import { EMPTY_ROUTE, type Route } from './route.ts';

export interface SessionsSlice {
  sessions: Record<string, SessionInfo>;
  filter: string;
  upsertSession(s: SessionInfo): void;
  setFilter(f: string): void;
}

export interface TimelineSlice {
  episodes: Record<string, Episode[]>;
  turns: Record<string, Turn[]>;
  upsertEpisode(e: Episode): void;
  upsertTurn(t: Turn): void;
  setEpisodes(sessionKey: string, list: Episode[]): void;
  setTurns(episodeId: string, list: Turn[]): void;
}

export interface UiSlice {
  info: AppInfo | null;
  settings: Settings | null;
  route: Route;
  paletteOpen: boolean;
  cheatsheetOpen: boolean;
  notice: { text: string; kind: 'info' | 'error' } | null;
  alerts: Alert[];
  navigate(route: Partial<Route>): void;
  setNotice(text: string | null, kind?: 'info' | 'error'): void;
  setPalette(open: boolean): void;
  setCheatsheet(open: boolean): void;
}

export type State = SessionsSlice & TimelineSlice & UiSlice & { api: WorkbenchApi };

type Set = StoreApi<State>['setState'];

function upsertBy<T extends { id: string }>(list: T[] | undefined, item: T, order: (a: T, b: T) => number): T[] {
  const next = (list ?? []).filter((x) => x.id !== item.id);
  next.push(item);
  return next.sort(order);
}

const sessionsSlice = (set: Set): SessionsSlice => ({
  sessions: {},
  filter: '',
  upsertSession: (s) => set((st) => ({ sessions: { ...st.sessions, [s.key]: s } })),
  setFilter: (filter) => set({ filter }),
});

const timelineSlice = (set: Set): TimelineSlice => ({
  episodes: {},
  turns: {},
  upsertEpisode: (e) => set((st) => ({ episodes: { ...st.episodes, [e.sessionKey]: upsertBy(st.episodes[e.sessionKey], e, (a, b) => a.index - b.index) } })),
  upsertTurn: (t) => set((st) => ({ turns: { ...st.turns, [t.episodeId]: upsertBy(st.turns[t.episodeId], t, (a, b) => a.index - b.index) } })),
  setEpisodes: (sessionKey, list) => set((st) => ({ episodes: { ...st.episodes, [sessionKey]: list } })),
  setTurns: (episodeId, list) => set((st) => ({ turns: { ...st.turns, [episodeId]: list } })),
});

const uiSlice = (set: Set): UiSlice => ({
  info: null,
  settings: null,
  route: EMPTY_ROUTE,
  paletteOpen: false,
  cheatsheetOpen: false,
  notice: null,
  alerts: [],
  navigate: (r) => set((st) => ({ route: { ...st.route, ...r } })),
  setNotice: (text, kind = 'info') => set({ notice: text === null ? null : { text, kind } }),
  setPalette: (paletteOpen) => set({ paletteOpen }),
  setCheatsheet: (cheatsheetOpen) => set({ cheatsheetOpen }),
});

export function createWorkbenchStore(api: WorkbenchApi): StoreApi<State> {
  return createStore<State>()((set) => ({ api, ...sessionsSlice(set), ...timelineSlice(set), ...uiSlice(set) }));
}

/** Loads the first snapshot and keeps the store in step with engine events. Returns an unsubscribe. */
export async function syncStore(store: StoreApi<State>): Promise<() => void> {
  const { api } = store.getState();
  const offs = [
    api.on('sessions:changed', (s) => store.getState().upsertSession(s)),
    api.on('episodes:changed', (e) => store.getState().upsertEpisode(e)),
    api.on('turns:changed', (t) => store.getState().upsertTurn(t)),
    api.on('alerts:raised', (a) => store.setState((st) => ({ alerts: mergeAlerts(st.alerts, [a]) }))),
  ];
  const [info, settings, sessions, alerts] = await Promise.all([api.invoke('app:info', {}), api.invoke('settings:get', {}), api.invoke('sessions:list', {}), api.invoke('alerts:list', {})]);
  store.setState((st) => ({ info, settings, sessions: Object.fromEntries(sessions.map((s) => [s.key, s])), alerts: mergeAlerts(alerts, st.alerts) }));
  return () => offs.forEach((off) => off());
}

function mergeAlerts(a: Alert[], b: Alert[]): Alert[] {
  return [...new Map([...a, ...b].map((x) => [x.id, x])).values()];
}

/** How many alerts concern each episode and each turn (for badges). */
export function alertCounts(alerts: Alert[]): { byEpisode: Map<string, number>; byTurn: Map<string, number> } {
  const byEpisode = new Map<string, number>();
  const byTurn = new Map<string, number>();
  for (const a of alerts) {
    if (a.episodeId) byEpisode.set(a.episodeId, (byEpisode.get(a.episodeId) ?? 0) + 1);
    if (a.turnId) byTurn.set(a.turnId, (byTurn.get(a.turnId) ?? 0) + 1);
  }
  return { byEpisode, byTurn };
}

/** Sessions in rail order: filter by key substring, newest first. */
export function visibleSessions(st: Pick<State, 'sessions' | 'filter'>): SessionInfo[] {
  const f = st.filter.trim().toLowerCase();
  return Object.values(st.sessions)
    .filter((s) => !f || s.key.toLowerCase().includes(f) || s.state.includes(f))
    .sort((a, b) => b.createdAt - a.createdAt || a.key.localeCompare(b.key));
}

/** The labeling queue: ended episodes, unlabeled first, then oldest first. */
export function labelQueue(episodes: Record<string, Episode[]>): Episode[] {
  return Object.values(episodes).flat().filter((e) => e.status === 'ended')
    .sort((a, b) => Number(a.rewardSource === 'human') - Number(b.rewardSource === 'human') || a.startedAt - b.startedAt);
}
