// The labels saved here lately, newest last, each with its episode and an undo: a slip is one click
// from undone without walking back to it.
import { reward } from '../../format.ts';
import { episodeById } from '../../store/store.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { undo } from './actions.ts';

export function RecentLabels() {
  const store = useStoreApi();
  const recent = useStore((s) => s.recentLabels);
  const episodes = useStore((s) => s.episodes);
  if (recent.length === 0) return null;
  const byId = episodeById(episodes);
  return (
    <section className="row recent-labels small" aria-label="Last labels" data-testid="recent-labels">
      <span className="muted">Last labels:</span>
      {recent.map((r) => {
        const ep = byId.get(r.episodeId);
        return (
          <span key={r.episodeId} className="recent-label">
            {ep ? `${ep.sessionKey} episode ${ep.index}` : r.episodeId}: <strong>{reward(r.value)}</strong>{' '}
            <button type="button" className="link" onClick={() => void undo(store, r.episodeId)}>
              undo
            </button>
          </span>
        );
      })}
    </section>
  );
}
