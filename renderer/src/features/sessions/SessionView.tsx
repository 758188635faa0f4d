// One session: its facts and actions, the episode timeline, the selected turn, the composer and
// (for OpenClaw sessions) the gateway log terminal.
import { useEffect } from 'react';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { clock } from '../../format.ts';
import { isTyping } from '../../keyboard.ts';
import { selectedCall } from '../../store/store.ts';
import { openRawCall } from '../turns/raw-call.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { LogTerminal } from '../logs/LogTerminal.tsx';
import { TurnView } from '../turns/TurnView.tsx';
import { loadEpisodes, loadTurns, runSampleTask } from './actions.ts';
import { Composer } from './Composer.tsx';
import { EpisodeTimeline } from './EpisodeTimeline.tsx';
import { ORIGIN_NOTES } from './origin.ts';
import { SessionHeader } from './SessionHeader.tsx';

export function SessionView() {
  const store = useStoreApi();
  const key = useStore((s) => s.route.sessionKey);
  const session = useStore((s) => (key ? s.sessions[key] : undefined));
  const episodes = useStore((s) => (key ? s.episodes[key] : undefined));
  const episodeId = useStore((s) => s.route.episodeId);
  const turnId = useStore((s) => s.route.turnId);
  const syncs = useStore((s) => s.syncs);
  // R replays the selected episode; F forks the selected call; x opens the turn's call as raw JSON
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const st = store.getState();
      if (isTyping(e) || st.paletteOpen || e.ctrlKey || e.metaKey) return;
      if (e.key === 'R' && episodeId) st.setReplayDialog(episodeId);
      else if (e.key === 'x' && st.route.turnId) openRawCall(st);
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
  // an external agent drives its own sessions and an imported one is read-only: no composer
  const drivenHere = !session.capabilities.infersTurns && session.origin !== 'imported' && session.origin !== 'lab';
  return (
    <div className="session-view">
      <SessionHeader session={session} />
      <div className="session-body">
        <EpisodeTimeline episodes={episodes} />
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
