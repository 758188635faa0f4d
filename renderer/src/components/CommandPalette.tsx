// Ctrl/Cmd+K: every action and every session by name, filtered as you type, Enter to run.
import { useMemo, useState } from 'react';
import { clearLabData } from '../features/leaks/actions.ts';
import { createSession, runSampleTask } from '../features/sessions/actions.ts';
import { savePrefs } from '../features/settings/actions.ts';
import { selectedCall } from '../store/store.ts';
import { useStore, useStoreApi } from '../store/use-store.ts';
import { VIEW_LIST } from '../views.tsx';

interface Command {
  id: string;
  label: string;
  run: () => void;
}

export function CommandPalette() {
  const store = useStoreApi();
  const open = useStore((s) => s.paletteOpen);
  const sessions = useStore((s) => s.sessions);
  const theme = useStore((s) => s.settings?.theme);
  const route = useStore((s) => s.route);
  const [q, setQ] = useState('');
  const [sel, setSel] = useState(0);
  const commands = useMemo<Command[]>(() => {
    const st = store.getState;
    return [
      { id: 'new', label: 'New session', run: () => void createSession(store) },
      { id: 'sample', label: 'Run sample task', run: () => void runSampleTask(store) },
      ...VIEW_LIST.flatMap(([view, v]) =>
        v.command ? [{ id: view, label: v.command, run: () => st().navigate({ view, ...v.reset }) }] : [],
      ),
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
        ? [{ id: 'replay', label: 'Replay the selected episode…', run: () => st().setReplayDialog(route.episodeId) }]
        : []),
      ...(selectedCall(st()) && route.view === 'sessions'
        ? [
            {
              id: 'fork',
              label: 'Fork the selected call…',
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
      { id: 'keys', label: 'Keyboard shortcuts', run: () => st().setCheatsheet(true) },
      ...Object.keys(sessions).map((k) => ({
        id: `s:${k}`,
        label: `Session ${k}`,
        run: () => st().navigate({ view: 'sessions', sessionKey: k, episodeId: null, turnId: null, callId: null }),
      })),
    ];
  }, [store, sessions, theme, route]);
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
              {c.label}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
