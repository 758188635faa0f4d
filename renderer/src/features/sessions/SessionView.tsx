// One session: its facts and actions, the episode timeline, the selected turn, the composer and
// (for OpenClaw sessions) the gateway log terminal.
import { useEffect, useMemo, useState } from 'react';
import { bytes, clock, cpu, duration, reward, turnDuration } from '../../format.ts';
import { alertCounts } from '../../store/store.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { LogTerminal } from '../logs/LogTerminal.tsx';
import { endEpisode, loadEpisodes, loadTurns, runSampleTask, sendMessage, startEpisode } from './actions.ts';
import { TurnView } from '../turns/TurnView.tsx';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { isTyping } from '../../keyboard.ts';
import { selectedCall } from '../../store/store.ts';
import { ORIGIN_LABELS, ORIGIN_NOTES } from './origin.ts';
import { CopyLink } from '../../components/CopyLink.tsx';
import { MemoryPressureBadge } from '../../components/MemoryPressureBadge.tsx';
import { ToolErrorBadge } from '../../components/ToolErrorBadge.tsx';
import { closeSession, restartSession } from '../turns/data.ts';

export function SessionView() {
  const store = useStoreApi();
  const key = useStore((s) => s.route.sessionKey);
  const session = useStore((s) => (key ? s.sessions[key] : undefined));
  const episodes = useStore((s) => (key ? s.episodes[key] : undefined));
  const episodeId = useStore((s) => s.route.episodeId);
  const turnId = useStore((s) => s.route.turnId);
  const turns = useStore((s) => (episodeId ? s.turns[episodeId] : undefined));
  const alerts = useStore((s) => s.alerts);
  const up = useStore((s) => s.connection.up);
  const syncs = useStore((s) => s.syncs);
  const counts = useMemo(() => alertCounts(alerts), [alerts]);
  // R replays the selected episode; F forks the selected call
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const st = store.getState();
      if (isTyping(e) || st.paletteOpen || e.ctrlKey || e.metaKey) return;
      if (e.key === 'R' && episodeId) st.setReplayDialog(episodeId);
      else if (e.key === 'F' && selectedCall(st)) st.navigate({ callId: selectedCall(st), forkId: 'new', tab: null });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, episodeId]);

  // again after each snapshot: events missed while the stream was down are in no list
  useEffect(() => {
    if (key) void loadEpisodes(store, key);
  }, [key, store, syncs]);
  useEffect(() => {
    if (episodeId) void loadTurns(store, episodeId);
  }, [episodeId, store, syncs]);
  // Follow the open episode when none is chosen.
  useEffect(() => {
    if (key && !episodeId && episodes?.length)
      store.getState().navigate({ episodeId: episodes[episodes.length - 1]!.id });
  }, [key, episodeId, episodes, store]);

  if (!key || !session) {
    return (
      <div className="empty center">
        <h2>Pick a session</h2>
        <p>
          Choose one on the left, press <kbd>N</kbd> for a new one, or{' '}
          <button type="button" className="link" onClick={() => void runSampleTask(store)}>
            run the sample task
          </button>{' '}
          to see a whole episode with tool calls.
        </p>
      </div>
    );
  }
  // while the engine does not answer the session's state and processes are unknown, not as last seen
  const gw = up ? session.gateway : null;
  const state = up ? session.state : 'unknown';
  // an external agent drives its own sessions and an imported one is read-only: no composer, no start
  const drivenHere = !session.capabilities.infersTurns && session.origin !== 'imported' && session.origin !== 'lab';
  const selected = episodes?.find((e) => e.id === episodeId);
  const act = async (fn: () => Promise<unknown>) => {
    await fn();
    void loadEpisodes(store, key);
  };
  return (
    <div className="session-view">
      <section className="session-head">
        <h2 className="key">{session.key}</h2>
        <span className={`state ${state}`}>{state}</span>
        {session.origin !== 'live' && (
          <span className="badge" title={ORIGIN_LABELS[session.origin].help}>
            {ORIGIN_LABELS[session.origin].label}
          </span>
        )}
        <span className="muted small">
          runtime {session.runtime}
          {gw?.shared
            ? ` · shared gateway ${gw.gatewayId} (${gw.shared.sessions} sessions) · agent ${gw.shared.agentId}`
            : ''}
          {gw?.pid
            ? [
                `pid ${gw.pid}`,
                `port ${gw.port}`,
                bytes(gw.rssBytes),
                `CPU ${cpu(gw.cpuPercent)}`,
                `up ${duration(gw.startedAt ? Date.now() - gw.startedAt : null)}`,
                `restarts ${gw.restarts}`,
                ...(gw.exitCode !== null ? [`exit ${gw.exitCode}`] : []),
              ]
                .map((f) => ` · ${f}`)
                .join('')
            : ''}
        </span>
        <MemoryPressureBadge p={gw?.memoryPressure} />
        <CopyLink to={{ sessionKey: session.key }} what="this session" />
        <span className="spacer" />
        {drivenHere && (
          <button type="button" onClick={() => act(() => startEpisode(store, key))}>
            Start episode
          </button>
        )}
        {selected && (
          <button
            type="button"
            onClick={() => store.getState().setReplayDialog(selected.id)}
            title="Replay the selected episode (R)"
          >
            Replay episode…
          </button>
        )}
        <button
          type="button"
          onClick={() => store.getState().setExportDialog({ sessionKey: key })}
          title="Export this session's trajectories"
        >
          Export…
        </button>
        {selected?.replayOf && (
          <button
            type="button"
            onClick={() =>
              store.getState().navigate({ view: 'compare', episodeId: selected.replayOf, otherEpisodeId: selected.id })
            }
          >
            Compare with its source
          </button>
        )}
        {session.origin !== 'imported' && session.origin !== 'lab' && (
          <button type="button" disabled={!session.openEpisodeId} onClick={() => act(() => endEpisode(store, key))}>
            End episode
          </button>
        )}
        {session.capabilities.gateway && session.state !== 'closed' && (
          <button
            type="button"
            onClick={() =>
              void restartSession(store, { key }).catch((e: Error) => store.getState().setNotice(e.message, 'error'))
            }
          >
            Restart gateway
          </button>
        )}
        <button
          type="button"
          className="danger"
          onClick={() =>
            void closeSession(store, { key }).catch((e: Error) =>
              store.getState().setNotice(`Close failed: ${e.message}`, 'error'),
            )
          }
        >
          Close
        </button>
      </section>
      <div className="session-body">
        <nav className="timeline" aria-label="Episodes">
          {!episodes?.length && <p className="empty">No episodes yet — send a message or start one.</p>}
          {[...(episodes ?? [])].reverse().map((e) => (
            <div key={e.id} className={`episode ${e.id === episodeId ? 'selected' : ''}`}>
              <button
                type="button"
                className="episode-head"
                onClick={() => store.getState().navigate({ episodeId: e.id, turnId: null, callId: null })}
              >
                <span>Episode {e.index}</span>
                <span className="muted small">{e.taskId ?? ''}</span>
                <span className="spacer" />
                {counts.byEpisode.get(e.id) ? (
                  <span className="badge warn" title="leak alerts">
                    ⚠ {counts.byEpisode.get(e.id)}
                  </span>
                ) : null}
                <span className={`badge ${e.status}`}>{e.status}</span>
                <span
                  className={`badge ${e.rewardSource === 'human' ? 'ok' : ''}`}
                  title={e.rewardSource ?? 'unlabeled'}
                >
                  r {reward(e.reward)}
                </span>
              </button>
              {e.id === episodeId && (
                <ol className="turns">
                  {(turns ?? []).map((t) => (
                    <li key={t.id}>
                      <button
                        type="button"
                        className={`turn ${t.id === turnId ? 'selected' : ''} ${t.status}`}
                        onClick={() => store.getState().navigate({ turnId: t.id, callId: null })}
                      >
                        <span className="muted">#{t.index}</span>{' '}
                        {counts.byTurn.get(t.id) ? (
                          <span className="badge warn">⚠ {counts.byTurn.get(t.id)}</span>
                        ) : null}{' '}
                        <ToolErrorBadge count={t.toolErrors} />
                        <span className="msg">{t.message.slice(0, 80)}</span>
                        <span className="muted small">
                          {' '}
                          {turnDuration(t)} · {t.callCount} calls · {t.toolCalls.length} tools
                        </span>
                      </button>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          ))}
        </nav>
        <section className="turn-pane">
          {turnId ? (
            <ErrorBoundary key={turnId} what="This turn">
              <TurnView turnId={turnId} />
            </ErrorBoundary>
          ) : (
            <div className="empty center">
              <p>Select a turn to see its replayed history, upstream calls and diff.</p>
              <p className="muted small">Session created {clock(session.createdAt)}</p>
            </div>
          )}
          {drivenHere ? (
            <Composer sessionKey={key} />
          ) : (
            <p className="composer-note muted small" data-testid="origin-note">
              {ORIGIN_NOTES[session.origin === 'live' ? 'external' : session.origin]}
            </p>
          )}
        </section>
      </div>
      {session.capabilities.gateway && (
        <ErrorBoundary key={key} what="The gateway log">
          <LogTerminal sessionKey={key} />
        </ErrorBoundary>
      )}
    </div>
  );
}

function Composer({ sessionKey }: { sessionKey: string }) {
  const store = useStoreApi();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    const ok = await sendMessage(store, sessionKey, text);
    setBusy(false);
    if (ok) setText('');
  };
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        aria-label="Message"
        placeholder="Message to this session (Ctrl+Enter to send)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" disabled={busy || !text.trim()}>
        {busy ? 'Running…' : 'Send'}
      </button>
    </form>
  );
}
