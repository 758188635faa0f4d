// Replay an episode: its user messages through a new session, with the settings it ran with or
// changed ones; then the comparison opens.
import { useState } from 'react';
import { ISOLATION_MODES, STARTABLE_RUNTIMES } from '../../../../shared/domain.ts';
import { SESSION_KEY_MODES, type RunOverrides } from '../../../../shared/rollouts.ts';
import { tryJson } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { useUpstreams } from '../settings/use-upstreams.ts';
import { replayEpisode } from './data.ts';

// a selector must return a stable reference: a fresh [] each time re-renders forever
const NO_RUNTIMES: string[] = [];
export function ReplayDialog({ episodeId, onClose }: { episodeId: string; onClose: () => void }) {
  const store = useStoreApi();
  const runtimes = useStore((s) => s.info?.runtimes ?? NO_RUNTIMES);
  const [o, setO] = useState<RunOverrides>({});
  const [overlay, setOverlay] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const upstreams = useUpstreams(setError);
  const pick =
    <K extends keyof RunOverrides>(k: K) =>
    (v: string) =>
      setO((prev) => {
        const next = { ...prev };
        if (v) next[k] = v as RunOverrides[K];
        else delete next[k];
        return next;
      });
  const start = async () => {
    setError(null);
    const overrides: RunOverrides = { ...o };
    if (overlay.trim()) {
      const parsed = tryJson(overlay);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        setError('The OpenClaw overlay must be a JSON object');
        return;
      }
      overrides.openclawConfig = parsed as Record<string, unknown>;
    }
    setBusy(true);
    try {
      const r = await replayEpisode(store, { episodeId, overrides });
      onClose();
      store.getState().navigate({ view: 'compare', episodeId, otherEpisodeId: r.episode.id });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const select = (label: string, k: keyof RunOverrides, options: readonly string[], same: string) => (
    <label>
      {label}
      <select aria-label={label} value={(o[k] as string | undefined) ?? ''} onChange={(e) => pick(k)(e.target.value)}>
        <option value="">{same}</option>
        {options.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div
      className="overlay"
      role="dialog"
      aria-label="Replay episode"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <form
        className="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <h3>Replay this episode</h3>
        <p className="muted small">
          Its user messages, in order, through a new session; the comparison opens when it starts.
        </p>
        {select(
          'Runtime',
          'runtime',
          STARTABLE_RUNTIMES.filter((r) => runtimes.includes(r)),
          'same as the episode',
        )}
        {select('OpenClaw session keys', 'sessionKeys', SESSION_KEY_MODES, 'as the episode ran')}
        {select('Isolation', 'isolation', ISOLATION_MODES, 'as the episode ran')}
        <label>
          Upstream
          <select aria-label="Upstream" value={o.upstream ?? ''} onChange={(e) => pick('upstream')(e.target.value)}>
            <option value="">the episode's</option>
            {upstreams.map((u) => (
              <option key={u.id} value={u.id}>
                {u.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          OpenClaw config overlay (JSON, optional)
          <textarea
            className="code"
            aria-label="OpenClaw overlay"
            rows={3}
            value={overlay}
            onChange={(e) => setOverlay(e.target.value)}
          />
        </label>
        {error && <p className="error-text">{error}</p>}
        <div className="row">
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Starting…' : 'Replay'}
          </button>
        </div>
      </form>
    </div>
  );
}
