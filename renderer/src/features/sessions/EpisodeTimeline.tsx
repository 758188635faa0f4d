// A session's episodes, newest first, each with its alert count, status and reward; the selected
// episode's turns below it, each with its alerts, tool errors, time and calls.
import { useMemo } from 'react';
import type { Episode } from '../../../../shared/domain.ts';
import { ToolErrorBadge } from '../../components/ToolErrorBadge.tsx';
import { EpisodeStrip } from './EpisodeStrip.tsx';
import { plural, reward, turnDuration } from '../../format.ts';
import { alertCounts } from '../../store/store.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';

export function EpisodeTimeline({ episodes }: { episodes: Episode[] | undefined }) {
  const store = useStoreApi();
  const episodeId = useStore((s) => s.route.episodeId);
  const turnId = useStore((s) => s.route.turnId);
  const turns = useStore((s) => (episodeId ? s.turns[episodeId] : undefined));
  const alerts = useStore((s) => s.alerts);
  const counts = useMemo(() => alertCounts(alerts), [alerts]);
  return (
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
            <span className={`badge ${e.rewardSource === 'human' ? 'ok' : ''}`} title={e.rewardSource ?? 'unlabeled'}>
              r {reward(e.reward)}
            </span>
          </button>
          {e.id === episodeId && turns && turns.length > 0 && <EpisodeStrip episodeId={e.id} turns={turns} />}
          {e.id === episodeId && (
            <ol className="turns">
              {(turns ?? []).map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    className={`turn ${t.id === turnId ? 'selected' : ''} ${t.status}`}
                    onClick={() => store.getState().navigate({ turnId: t.id, callId: null })}
                  >
                    <span className="muted">#{t.index}</span> <TurnAlertBadge count={counts.byTurn.get(t.id)} />{' '}
                    <ToolErrorBadge count={t.toolErrors} />
                    <span className="msg">{t.message.slice(0, 80)}</span>
                    <span className="muted small">
                      {' '}
                      {turnDuration(t)} · {plural(t.callCount, 'call')} · {plural(t.toolCalls.length, 'tool')}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          )}
        </div>
      ))}
    </nav>
  );
}

function TurnAlertBadge({ count }: { count: number | undefined }) {
  return count ? <span className="badge warn">⚠ {count}</span> : null;
}
