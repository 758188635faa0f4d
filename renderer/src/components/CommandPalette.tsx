// Ctrl/Cmd+K: every action (with its shortcut, where it has one), every session, and the episodes
// and turns of the session in view, filtered as you type, Enter to run.
import { useMemo, useState } from 'react';
import { clearLabData } from '../features/leaks/actions.ts';
import { createSession, runSampleTask } from '../features/sessions/actions.ts';
import { savePrefs } from '../features/settings/actions.ts';
import { openRawCall } from '../features/turns/raw-call.ts';
import { selectedCall } from '../store/store.ts';
import { useStore, useStoreApi } from '../store/use-store.ts';
import { VIEW_LIST } from '../views.tsx';

interface Command {
  id: string;
  label: string;
  /** Its keyboard shortcut, as the cheatsheet writes it. */
  keys?: string;
  run: () => void;
}

export function CommandPalette() {
  const store = useStoreApi();
  const open = useStore((s) => s.paletteOpen);
  const sessions = useStore((s) => s.sessions);
  const theme = useStore((s) => s.settings?.theme);
  const route = useStore((s) => s.route);
  const episodes = useStore((s) => (s.route.sessionKey ? s.episodes[s.route.sessionKey] : undefined));
  const turns = useStore((s) => (s.route.episodeId ? s.turns[s.route.episodeId] : undefined));
  const [q, setQ] = useState('');
  const [sel, setSel] = useState(0);
  const commands = useMemo<Command[]>(() => {
    const st = store.getState;
    return [
      { id: 'new', label: 'New session', keys: 'N', run: () => void createSession(store) },
      { id: 'sample', label: 'Run sample task', run: () => void runSampleTask(store) },
      ...VIEW_LIST.flatMap(([view, v]) =>
        v.command
          ? [{ id: view, label: v.command, keys: v.shortcut?.keys, run: () => st().navigate({ view, ...v.reset }) }]
          : [],
      ),
      {
        id: 'browse-labeled',
        label: 'Browse labeled episodes',
        run: () => {
          st().navigate({ view: 'label' });
          st().setLabelMode('browse');
        },
      },
      {
        id: 'import',
        label: 'Import trajectories from a file…',
        run: () => {
          st().navigate({ view: 'sessions' });
          setTimeout(() => document.querySelector<HTMLInputElement>('[aria-label="Import file"]')?.click(), 0);
        },
      },
      {
        id: 'lab',
        label: 'Go to the leak lab (run a scenario)',
        run: () => {
          st().navigate({ view: 'leaks' });
          setTimeout(() => document.querySelector('.lab')?.scrollIntoView(), 0);
        },
      },
      {
        id: 'export',
        label: 'Export trajectories…',
        run: () => st().setExportDialog({ sessionKey: route.view === 'sessions' ? (route.sessionKey ?? null) : null }),
      },
      {
        id: 'new-group',
        label: 'Start a group of rollouts…',
        run: () => {
          st().navigate({ view: 'groups', groupId: null });
          setTimeout(() => document.querySelector<HTMLTextAreaElement>('[aria-label="Group messages"]')?.focus(), 0);
        },
      },
      ...(route.episodeId && route.view === 'sessions'
        ? [
            {
              id: 'replay',
              label: 'Replay the selected episode…',
              keys: 'Shift+R',
              run: () => st().setReplayDialog(route.episodeId),
            },
          ]
        : []),
      ...(route.turnId && route.view === 'sessions'
        ? [{ id: 'raw', label: "Open the turn's call as raw JSON", keys: 'x', run: () => void openRawCall(st()) }]
        : []),
      ...(selectedCall(st()) && route.view === 'sessions'
        ? [
            {
              id: 'fork',
              label: 'Fork the selected call…',
              keys: 'F',
              run: () => st().navigate({ callId: selectedCall(st()), forkId: 'new', tab: null }),
            },
          ]
        : []),
      {
        id: 'lab-clear',
        label: 'Remove lab data (every leak-lab run)',
        run: () => void clearLabData(store),
      },
      {
        id: 'theme',
        label: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`,
        run: () => void savePrefs(store, { theme: theme === 'dark' ? 'light' : 'dark' }),
      },
      { id: 'keys', label: 'Keyboard shortcuts', keys: '?', run: () => st().setCheatsheet(true) },
      ...(route.view === 'sessions' && route.sessionKey
        ? (episodes ?? []).map((e) => ({
            id: `e:${e.id}`,
            label: `Episode ${e.index} of ${route.sessionKey}`,
            run: () => st().navigate({ episodeId: e.id, turnId: null, callId: null }),
          }))
        : []),
      ...(route.view === 'sessions' && route.episodeId
        ? (turns ?? []).map((t) => ({
            id: `t:${t.id}`,
            label: `Turn ${t.index}: ${t.message.slice(0, 60)}`,
            run: () => st().navigate({ turnId: t.id, callId: null, tab: null }),
          }))
        : []),
      ...Object.keys(sessions).map((k) => ({
        id: `s:${k}`,
        label: `Session ${k}`,
        run: () => st().navigate({ view: 'sessions', sessionKey: k, episodeId: null, turnId: null, callId: null }),
      })),
    ];
  }, [store, sessions, theme, route, episodes, turns]);
  const shown = commands.filter((c) => c.label.toLowerCase().includes(q.toLowerCase())).slice(0, 50);
  if (!open) return null;
  const close = () => {
    store.getState().setPalette(false);
    setQ('');
    setSel(0);
  };
  return (
    <div className="overlay" onClick={close}>
      <div className="palette" role="dialog" aria-label="Command palette" onClick={(e) => e.stopPropagation()}>
        <input
          autoFocus
          aria-label="Command"
          placeholder="Type a command or a session"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setSel(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') setSel((i) => Math.min(i + 1, shown.length - 1));
            else if (e.key === 'ArrowUp') setSel((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter' && shown[sel]) {
              shown[sel]!.run();
              close();
            }
          }}
        />
        <ul role="listbox">
          {shown.map((c, i) => (
            <li
              key={c.id}
              role="option"
              aria-selected={i === sel}
              className={i === sel ? 'selected' : ''}
              onMouseDown={() => {
                c.run();
                close();
              }}
            >
              <span>{c.label}</span>
              {c.keys && <kbd className="palette-keys">{c.keys}</kbd>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
