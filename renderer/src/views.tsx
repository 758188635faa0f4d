// The one table of views: each view's component (one folder under features/ each), its place in
// the top bar, its palette command and its keyboard shortcut. The frame, the palette and the
// cheatsheet all read it, so a new view is one entry here (and its name in store/route.ts).
import type { ReactNode } from 'react';
import { AlertsView } from './features/leaks/AlertsView.tsx';
import { GroupsView } from './features/groups/GroupsView.tsx';
import { GroupView } from './features/groups/GroupView.tsx';
import { LabelQueue } from './features/rewards/LabelQueue.tsx';
import { CompareView } from './features/rollouts/CompareView.tsx';
import { SearchView } from './features/search/SearchView.tsx';
import { SessionView } from './features/sessions/SessionView.tsx';
import { SettingsView } from './features/settings/SettingsView.tsx';
import { StatsView } from './features/stats/StatsView.tsx';
import { modKey } from './format.ts';
import type { Route, View } from './store/route.ts';

export interface ViewEntry {
  /** The top-bar tab's label; null: reached only from elsewhere (a comparison). */
  tab: string | null;
  /** The palette's command to go there; null: none. */
  command: string | null;
  /** What going there by tab, palette or key resets in the route. */
  reset?: Partial<Route>;
  /** A shortcut that opens it from anywhere, as the cheatsheet shows it. */
  shortcut?: { keys: string; test(e: KeyboardEvent): boolean };
  /** The sessions rail shows beside it. */
  rail?: boolean;
  render(route: Route): ReactNode;
}

const ctrlOrCmd = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;

/** In top-bar order. */
export const VIEWS: Record<View, ViewEntry> = {
  sessions: { tab: 'Sessions', command: null, rail: true, render: () => <SessionView /> },
  label: { tab: 'Label', command: 'Go to labeling queue', render: () => <LabelQueue /> },
  leaks: { tab: 'Leaks', command: 'Go to leak alerts', render: () => <AlertsView /> },
  groups: {
    tab: 'Groups',
    command: 'Go to groups of rollouts',
    reset: { groupId: null },
    render: (r) => (r.groupId ? <GroupView key={r.groupId} groupId={r.groupId} /> : <GroupsView />),
  },
  stats: {
    tab: 'Stats',
    command: 'Go to stats: gateway memory over time, rewards, call latency',
    render: () => <StatsView />,
  },
  search: {
    tab: 'Search',
    command: 'Search everything recorded',
    shortcut: {
      keys: `${modKey()}Shift+F`,
      test: (e) => ctrlOrCmd(e) && e.shiftKey && e.key.toLowerCase() === 'f',
    },
    render: () => <SearchView />,
  },
  settings: { tab: 'Settings', command: 'Open settings', render: () => <SettingsView /> },
  compare: { tab: null, command: null, render: () => <CompareView /> },
};

export const VIEW_LIST = Object.entries(VIEWS) as Array<[View, ViewEntry]>;
