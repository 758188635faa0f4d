// The renderer's one store (zustand, slices): it mirrors engine snapshots and applies engine
// events; the engine stays the source of truth. Logs bypass it (they go straight to xterm).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo, EngineHealth, Settings, WorkbenchApi } from '../../../shared/api.ts';
import type { ConfigView } from '../../../shared/config.ts';
import type { HostStatus } from '../../../shared/hosts.ts';
import type { Progress } from '../../../shared/progress.ts';
import type { Alert, Episode, GatewayStats, Reward, SessionInfo, Turn, UpstreamCall } from '../../../shared/domain.ts';
import { EMPTY_ROUTE, type Route } from './route.ts';

/** info goes by itself; an error, or a warning the engine raised unasked, stays until dismissed. */
export type NoticeKind = 'info' | 'warning' | 'error';

export interface SessionsSlice {
  sessions: Record<string, SessionInfo>;
  /** Cursor of the next page of older sessions (null: all loaded). */
  sessionsNext: string | null;
  filter: string;
  upsertSession(s: SessionInfo): void;
  /** Drops sessions the engine deleted, with everything the store holds of them. */
  removeSessions(keys: string[]): void;
  setFilter(f: string): void;
}

export interface TimelineSlice {
  episodes: Record<string, Episode[]>;
  turns: Record<string, Turn[]>;
  /** Upstream calls of the turns whose calls were asked for, in order. */
  calls: Record<string, UpstreamCall[]>;
  upsertEpisode(e: Episode): void;
  upsertTurn(t: Turn): void;
  setCalls(turnId: string, list: UpstreamCall[]): void;
  upsertCall(c: UpstreamCall): void;
  setEpisodes(sessionKey: string, list: Episode[]): void;
  setTurns(episodeId: string, list: Turn[]): void;
}

/**
 * The labeling queue: the episodes that were unlabeled when they joined, in a stable order (one
 * labeled since stays, so its "saved" can be seen and undone); browsing labeled episodes is its own
 * mode. `labelIndex` may be one past the end: the queue's end, "all labeled".
 */
export interface LabelSlice {
  queue: string[];
  labelMode: 'queue' | 'browse';
  labelIndex: number;
  rewards: Record<string, Reward[]>;
  draft: { value: number | null; note: string };
  /** A value waiting for the labeler to confirm it replaces the episode's saved label. */
  replacing: number | null;
  /** The labels saved here lately, newest last (a strip with undo). */
  recentLabels: Array<{ episodeId: string; value: number; at: number }>;
  setRewards(episodeId: string, list: Reward[]): void;
  setLabelIndex(i: number): void;
  setLabelMode(mode: LabelSlice['labelMode']): void;
  setDraft(d: Partial<LabelSlice['draft']>): void;
  setReplacing(value: number | null): void;
}

export interface AlertsSlice {
  alerts: Alert[];
  alertsNext: string | null;
  mergeAlerts(list: Alert[]): void;
}

export interface ConfigSlice {
  info: AppInfo | null;
  settings: Settings | null;
  config: ConfigView | null;
}

export interface UiSlice {
  /** Whether the engine answers: while it does not, nothing live (states, pids) is shown as current. */
  connection: { up: true } | { up: false; since: number; why: 'unreachable' | 'other_run' };
  route: Route;
  /** How many snapshots have loaded: views that fetch their own data refetch when it grows. */
  syncs: number;
  paletteOpen: boolean;
  cheatsheetOpen: boolean;
  /** What the app says now; `seq` tells a repeated text apart (its time on screen starts again). */
  notice: { text: string; kind: NoticeKind; seq: number } | null;
  /** The episode the replay dialog is open for. */
  replayDialog: string | null;
  setReplayDialog(episodeId: string | null): void;
  /** The export dialog, opened for every session or offering one (null: closed). */
  exportDialog: { sessionKey: string | null } | null;
  /** Every gateway running (the status bar), from the snapshot, then live. */
  gateways: GatewayStats | null;
  /** Parts of the engine that stopped on their own (from the snapshot, then live). */
  health: EngineHealth;
  /** A hub's remote engines, answering or not (from the snapshot, then live); empty on an engine alone. */
  hosts: HostStatus[];
  /** Long work by id: the engine's (lab runs, groups, replays) and the page's own (the sample task). */
  progress: Record<string, Progress>;
  upsertProgress(p: Progress): void;
  setExportDialog(d: { sessionKey: string | null } | null): void;
  navigate(route: Partial<Route>): void;
  setNotice(text: string | null, kind?: NoticeKind): void;
  setPalette(open: boolean): void;
  setCheatsheet(open: boolean): void;
  /** Text to mark in a turn's history: the content an alert says leaked, opened at its source. */
  find: { turnId: string; text: string } | null;
  setFind(f: { turnId: string; text: string } | null): void;
  /** The call to open on its raw request and response (the x key), until another is chosen. */
  rawCall: string | null;
  setRawCall(callId: string | null): void;
}

export type State = SessionsSlice &
  TimelineSlice &
  LabelSlice &
  AlertsSlice &
  ConfigSlice &
  UiSlice & { api: WorkbenchApi };

type SetState = StoreApi<State>['setState'];

const CLEARED: Partial<Route> = { sessionKey: null, episodeId: null, turnId: null, callId: null, forkId: null };

function upsertBy<T extends { id: string }>(list: T[] | undefined, item: T, order: (a: T, b: T) => number): T[] {
  const next = (list ?? []).filter((x) => x.id !== item.id);
  next.push(item);
  return next.sort(order);
}

const sessionsSlice = (set: SetState): SessionsSlice => ({
  sessions: {},
  sessionsNext: null,
  filter: '',
  upsertSession: (s) => set((st) => ({ sessions: { ...st.sessions, [s.key]: s } })),
  removeSessions: (keys) =>
    set((st) => {
      const gone = new Set(keys);
      const episodeIds = new Set(keys.flatMap((k) => (st.episodes[k] ?? []).map((e) => e.id)));
      return {
        sessions: Object.fromEntries(Object.entries(st.sessions).filter(([k]) => !gone.has(k))),
        episodes: Object.fromEntries(Object.entries(st.episodes).filter(([k]) => !gone.has(k))),
        alerts: st.alerts.filter((a) => !a.sessionKey || !gone.has(a.sessionKey)),
        queue: st.queue.filter((id) => !episodeIds.has(id)),
        route: st.route.sessionKey && gone.has(st.route.sessionKey) ? { ...st.route, ...CLEARED } : st.route,
      };
    }),
  setFilter: (filter) => set({ filter }),
});

const timelineSlice = (set: SetState): TimelineSlice => ({
  episodes: {},
  turns: {},
  calls: {},
  setCalls: (turnId, list) => set((st) => ({ calls: { ...st.calls, [turnId]: list } })),
  // only turns someone is looking at keep their calls: the rest would grow without bound
  upsertCall: (c) =>
    set((st) => {
      const list = c.turnId ? st.calls[c.turnId] : undefined;
      if (!c.turnId || !list) return {};
      const next = [...list.filter((x) => x.id !== c.id), c].sort((a, b) => a.seq - b.seq);
      return { calls: { ...st.calls, [c.turnId]: next } };
    }),
  upsertEpisode: (e) =>
    set((st) => ({
      episodes: { ...st.episodes, [e.sessionKey]: upsertBy(st.episodes[e.sessionKey], e, (a, b) => a.index - b.index) },
      // a newly ended, unlabeled episode joins the end of the labeling queue; the order never reshuffles
      queue:
        e.status === 'ended' && e.rewardSource !== 'human' && !st.queue.includes(e.id) ? [...st.queue, e.id] : st.queue,
    })),
  upsertTurn: (t) =>
    set((st) => ({
      turns: { ...st.turns, [t.episodeId]: upsertBy(st.turns[t.episodeId], t, (a, b) => a.index - b.index) },
    })),
  setEpisodes: (sessionKey, list) => set((st) => ({ episodes: { ...st.episodes, [sessionKey]: list } })),
  setTurns: (episodeId, list) => set((st) => ({ turns: { ...st.turns, [episodeId]: list } })),
});

const labelSlice = (set: SetState): LabelSlice => ({
  queue: [],
  labelIndex: 0,
  rewards: {},
  draft: { value: null, note: '' },
  setRewards: (episodeId, list) => set((st) => ({ rewards: { ...st.rewards, [episodeId]: list } })),
  setLabelIndex: (labelIndex) => set({ labelIndex, draft: { value: null, note: '' }, replacing: null }),
  labelMode: 'queue',
  setLabelMode: (labelMode) => set({ labelMode, labelIndex: 0, draft: { value: null, note: '' }, replacing: null }),
  replacing: null,
  setReplacing: (replacing) => set({ replacing }),
  recentLabels: [],
  setDraft: (d) => set((st) => ({ draft: { ...st.draft, ...d } })),
});

const alertsSlice = (set: SetState): AlertsSlice => ({
  alerts: [],
  alertsNext: null,
  mergeAlerts: (list) =>
    set((st) => ({
      alerts: [...new Map([...st.alerts, ...list].map((a) => [a.id, a])).values()].sort(
        (a, b) => b.createdAt - a.createdAt,
      ),
    })),
});

const uiSlice = (set: SetState): UiSlice & ConfigSlice => ({
  info: null,
  settings: null,
  config: null,
  connection: { up: true },
  route: EMPTY_ROUTE,
  syncs: 0,
  paletteOpen: false,
  cheatsheetOpen: false,
  find: null,
  setFind: (find) => set({ find }),
  rawCall: null,
  setRawCall: (rawCall) => set({ rawCall }),
  notice: null,
  replayDialog: null,
  setReplayDialog: (replayDialog) => set({ replayDialog }),
  exportDialog: null,
  gateways: null,
  health: { down: [] },
  hosts: [],
  progress: {},
  upsertProgress: (p) => set((st) => ({ progress: { ...st.progress, [p.id]: p } })),
  setExportDialog: (exportDialog) => set({ exportDialog }),
  // a fork and a token view belong to their call: choosing another call (or turn) closes them
  navigate: (r) =>
    set((st) => {
      const next = { ...st.route, ...r };
      if (next.callId !== st.route.callId) {
        if (r.forkId === undefined) next.forkId = null;
        if (r.tokenAt === undefined) next.tokenAt = null;
        if (r.otherCallId === undefined) next.otherCallId = null;
      }
      return { route: next };
    }),
  setNotice: (text, kind = 'info') =>
    set((st) => ({ notice: text === null ? null : { text, kind, seq: (st.notice?.seq ?? 0) + 1 } })),
  setPalette: (paletteOpen) => set({ paletteOpen }),
  setCheatsheet: (cheatsheetOpen) => set({ cheatsheetOpen }),
});

export function createWorkbenchStore(api: WorkbenchApi): StoreApi<State> {
  return createStore<State>()((set) => ({
    api,
    ...sessionsSlice(set),
    ...timelineSlice(set),
    ...labelSlice(set),
    ...alertsSlice(set),
    ...uiSlice(set),
  }));
}

/** The call a fork would start from: the chosen one, else the open turn's first. */
export function selectedCall(st: Pick<State, 'route' | 'calls'>): string | null {
  return st.route.callId ?? (st.route.turnId ? (st.calls[st.route.turnId]?.[0]?.id ?? null) : null);
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

/** The first order of a labeling queue: the ended episodes no one labeled, oldest first. */
export function labelQueue(episodes: Episode[]): Episode[] {
  return episodes
    .filter((e) => e.status === 'ended' && e.rewardSource !== 'human')
    .sort((a, b) => a.startedAt - b.startedAt);
}

/** The episodes the label view walks now: the queue, or every labeled episode (oldest first) when browsing. */
export function labelList(st: Pick<State, 'labelMode' | 'queue' | 'episodes'>): string[] {
  if (st.labelMode === 'queue') return st.queue;
  return Object.values(st.episodes)
    .flat()
    .filter((e) => e.status === 'ended' && e.rewardSource === 'human')
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((e) => e.id);
}

/** Every episode the store knows, by id. */
export function episodeById(episodes: Record<string, Episode[]>): Map<string, Episode> {
  return new Map(Object.values(episodes).flatMap((list) => list.map((e) => [e.id, e] as const)));
}
