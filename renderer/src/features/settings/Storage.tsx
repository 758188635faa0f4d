// Settings → Storage: how big the data dir is, and keeping it in hand — prune episodes by age
// (labeled ones kept unless asked), always previewed first, then vacuum to give the space back.
import { useCallback, useEffect, useState } from 'react';
import type { PruneResult, StorageStats } from '../../../../shared/domain.ts';
import { clock } from '../../format.ts';
import { useStoreApi } from '../../store/use-store.ts';
import { pruneData, storageStats, vacuum } from './actions.ts';

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

export function Storage() {
  const store = useStoreApi();
  const [stats, setStats] = useState<StorageStats | null>(null);
  const [days, setDays] = useState(30);
  const [includeLabeled, setIncludeLabeled] = useState(false);
  const [preview, setPreview] = useState<PruneResult | null>(null);
  const [busy, setBusy] = useState(false);
  const notice = store.getState().setNotice;

  const refresh = useCallback(
    () =>
      void storageStats(store)
        .then(setStats)
        .catch((e: Error) => notice(`Reading the data dir failed: ${e.message}`, 'error')),
    [store, notice],
  );
  useEffect(refresh, [refresh]);

  const run = async <T,>(work: () => Promise<T>, done: (r: T) => string) => {
    setBusy(true);
    try {
      notice(done(await work()));
      refresh();
    } catch (e) {
      notice((e as Error).message, 'error');
    } finally {
      setBusy(false);
    }
  };
  const prune = (dryRun: boolean) =>
    run(
      () => pruneData(store, { olderThanDays: days, includeLabeled, dryRun }),
      (r) => {
        setPreview(dryRun ? r : null);
        const what = `${r.episodes} episodes (${r.calls} calls) and ${r.sessions} sessions`;
        const kept = r.keptLabeled ? `; ${r.keptLabeled} labeled episodes kept` : '';
        return dryRun ? `Would remove ${what}${kept}.` : `Removed ${what}${kept}. Vacuum to give the space back.`;
      },
    );

  return (
    <section aria-label="Storage">
      <h3>Storage</h3>
      {stats && (
        <p className="muted small" data-testid="storage-stats">
          {mb(stats.bytes)} · {stats.sessions} sessions · {stats.episodes} episodes · {stats.calls} calls
          {stats.oldestAt ? ` · oldest episode ${clock(stats.oldestAt)}` : ''}
          {stats.searchPending ? ` · ${stats.searchPending} calls waiting for the search index` : ''}
        </p>
      )}
      <label className="inline">
        Prune episodes started more than{' '}
        <input
          aria-label="Prune older than days"
          type="number"
          min={0}
          value={days}
          onChange={(e) => {
            setDays(Math.max(0, Number(e.target.value)));
            setPreview(null);
          }}
        />{' '}
        days ago
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={includeLabeled}
          onChange={(e) => {
            setIncludeLabeled(e.target.checked);
            setPreview(null);
          }}
        />{' '}
        also episodes with a human label
      </label>
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void prune(true)}>
          Preview
        </button>
        <button type="button" disabled={busy || !preview || preview.episodes === 0} onClick={() => void prune(false)}>
          Prune {preview ? `${preview.episodes} episodes` : ''}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(
              () => vacuum(store),
              (r) => `Vacuumed: ${mb(r.before)} → ${mb(r.after)}.`,
            )
          }
        >
          Vacuum
        </button>
      </div>
    </section>
  );
}
