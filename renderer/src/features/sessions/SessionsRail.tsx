// The sessions rail: live state and process facts per session, filter, keyboard up/down, and a
// virtualized list so thousands of sessions scroll smoothly.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, type KeyboardEvent } from 'react';
import { ORIGIN_LABELS } from './origin.ts';
import { hostAnswers } from '../../components/HostsBanner.tsx';
import { MemoryPressureBadge } from '../../components/MemoryPressureBadge.tsx';
import { ToolErrorBadge } from '../../components/ToolErrorBadge.tsx';
import { bytes, cpu, plural, reward } from '../../format.ts';
import { visibleSessions } from '../../store/store.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { createSession, importFile, runSampleTask } from './actions.ts';

export function SessionsRail() {
  const store = useStoreApi();
  const sessions = useStore((s) => s.sessions);
  const filter = useStore((s) => s.filter);
  const selected = useStore((s) => s.route.sessionKey);
  const up = useStore((s) => s.connection.up);
  const hosts = useStore((s) => s.hosts);
  const list = useMemo(() => visibleSessions({ sessions, filter }), [sessions, filter]);
  const parent = useRef<HTMLDivElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const v = useVirtualizer({
    count: list.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 58,
    overscan: 8,
  });

  const select = (key: string) =>
    store.getState().navigate({ view: 'sessions', sessionKey: key, episodeId: null, turnId: null, callId: null });
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = list.findIndex((s) => s.key === selected);
    const next = list[Math.max(0, Math.min(list.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      select(next.key);
      v.scrollToIndex(list.indexOf(next));
    }
  };

  return (
    <aside className="rail" aria-label="Sessions">
      <div className="rail-head">
        <input
          aria-label="Filter sessions"
          placeholder="Filter sessions"
          value={filter}
          onChange={(e) => store.getState().setFilter(e.target.value)}
        />
        <button type="button" onClick={() => void createSession(store)} title="New session (N)">
          New
        </button>
        <button type="button" onClick={() => picker.current?.click()} title="Import an exported trajectory file">
          Import
        </button>
        <button
          type="button"
          onClick={() => store.getState().setExportDialog({ sessionKey: null })}
          title="Export trajectories (JSON Lines)"
        >
          Export
        </button>
        <input
          ref={picker}
          type="file"
          accept=".json,.jsonl,application/json"
          aria-label="Import file"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(store, file);
          }}
        />
      </div>
      {list.length === 0 ? (
        <div className="empty">
          <p>{filter ? 'No session matches the filter.' : 'No sessions yet.'}</p>
          {!filter && (
            <p>
              Press <kbd>N</kbd> for a new session, drop an AReaL export here, or{' '}
              <button type="button" className="link" onClick={() => void runSampleTask(store)}>
                run the sample task
              </button>
              .
            </p>
          )}
        </div>
      ) : (
        <div className="rail-list" ref={parent} tabIndex={0} onKeyDown={onKey} data-testid="session-list">
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {v.getVirtualItems().map((item) => {
              const s = list[item.index]!;
              // while the engine does not answer its sessions' states and processes are unknown
              // a remote's session is as last known while its host does not answer: never shown live
              // the host's status now (hosts:changed) outranks what the session said when listed
              const host = s.host
                ? { name: s.host.name, reachable: hostAnswers(hosts, s.host.name) ?? s.host.reachable }
                : hosts.length
                  ? { name: 'local', reachable: true }
                  : undefined;
              const hostDown = host ? !host.reachable : false;
              const gw = up && !hostDown ? s.gateway : null;
              const state = up && !hostDown ? s.state : 'unknown';
              return (
                <button
                  type="button"
                  key={s.key}
                  data-key={s.key}
                  className={`rail-item ${s.key === selected ? 'selected' : ''} ${hostDown ? 'host-down' : ''}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: item.size,
                    transform: `translateY(${item.start}px)`,
                  }}
                  onClick={() => select(s.key)}
                >
                  <span className="row">
                    <span className={`dot ${state}`} title={state} />
                    <span className="key">{s.key}</span>
                    {host && (
                      <span
                        className={`badge ${host.reachable ? '' : 'warn'}`}
                        data-testid="session-host"
                        title={host.reachable ? `on ${host.name}` : `${host.name} does not answer: last known state`}
                      >
                        {host.name}
                        {host.reachable ? '' : ' · unreachable'}
                      </span>
                    )}
                    {s.origin !== 'live' && (
                      <span className="badge" title={ORIGIN_LABELS[s.origin].help}>
                        {ORIGIN_LABELS[s.origin].label}
                      </span>
                    )}
                    {s.alertCount > 0 && (
                      <span className="badge warn" title="leak alerts">
                        {s.alertCount}
                      </span>
                    )}
                    <ToolErrorBadge count={s.toolErrorTurns} unit="turn" />
                    <MemoryPressureBadge p={gw?.memoryPressure} />
                  </span>
                  <span className="row muted small">
                    {state} · {plural(s.episodeCount, 'episode')} · {plural(s.turnCount, 'turn')} · r{' '}
                    {reward(s.lastReward)}
                    {/* memory and CPU fit the rail; pid and port are in the session's header */}
                    {gw && gw.pid ? ` · ${bytes(gw.rssBytes)} · CPU ${cpu(gw.cpuPercent)}` : ''}
                  </span>
                </button>
              );
            })}
          </div>
        </div>
      )}
    </aside>
  );
}
