// A session's header: its key, state and origin, its gateway's process facts, and what can be done
// with it (start or end an episode, replay, export, compare with the source, restart, close).
import type { SessionInfo } from '../../../../shared/domain.ts';
import { CopyLink } from '../../components/CopyLink.tsx';
import { MemoryPressureBadge } from '../../components/MemoryPressureBadge.tsx';
import { bytes, cpu, duration } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { closeSession, restartSession } from '../turns/data.ts';
import { endEpisode, loadEpisodes, startEpisode } from './actions.ts';
import { ORIGIN_LABELS } from './origin.ts';

export function SessionHeader({ session }: { session: SessionInfo }) {
  const store = useStoreApi();
  const key = session.key;
  const up = useStore((s) => s.connection.up);
  const episodeId = useStore((s) => s.route.episodeId);
  const selected = useStore((s) => s.episodes[key]?.find((e) => e.id === episodeId));
  // while the engine does not answer the session's state and processes are unknown, not as last seen
  const gw = up ? session.gateway : null;
  const state = up ? session.state : 'unknown';
  // an external agent drives its own sessions and an imported one is read-only: no start
  const drivenHere = !session.capabilities.infersTurns && session.origin !== 'imported' && session.origin !== 'lab';
  const act = async (fn: () => Promise<unknown>) => {
    await fn();
    void loadEpisodes(store, key);
  };
  const facts = [
    `runtime ${session.runtime}`,
    ...(gw?.shared
      ? [`shared gateway ${gw.gatewayId} (${gw.shared.sessions} sessions)`, `agent ${gw.shared.agentId}`]
      : []),
    ...(gw?.pid
      ? [
          `pid ${gw.pid}`,
          `port ${gw.port}`,
          bytes(gw.rssBytes),
          `CPU ${cpu(gw.cpuPercent)}`,
          `up ${duration(gw.startedAt ? Date.now() - gw.startedAt : null)}`,
          `restarts ${gw.restarts}`,
          ...(gw.exitCode !== null ? [`exit ${gw.exitCode}`] : []),
        ]
      : []),
  ].join(' · ');
  return (
    <section className="session-head">
      <h2 className="key">{session.key}</h2>
      <span className={`state ${state}`}>{state}</span>
      {session.origin !== 'live' && (
        <span className="badge" title={ORIGIN_LABELS[session.origin].help}>
          {ORIGIN_LABELS[session.origin].label}
        </span>
      )}
      <span className="muted small session-facts" title={facts}>
        {facts}
      </span>
      <MemoryPressureBadge p={gw?.memoryPressure} />
      <TokenChecksBadge session={session} />
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
  );
}

/** Whether the token checks could run on this session's calls: never silently off. */
function TokenChecksBadge({ session }: { session: SessionInfo }) {
  const { callsWithTokenIds: with_, callsWithoutTokenIds: without } = session;
  if (without === 0) return null;
  const all = with_ === 0;
  return (
    <span
      className="badge warn"
      data-testid="token-checks-off"
      title={
        'The token checks (token_prefix_break, template_drift) need the token ids the server returns with each ' +
        'answer (vLLM ≥ 0.10.2 with return_token_ids). Calls without them are not checked and cannot be exported ' +
        'as tokens.'
      }
    >
      {all
        ? 'token checks off: server returns no token ids'
        : `token checks off for ${without} of ${with_ + without} calls (no token ids)`}
    </span>
  );
}
