// Export trajectories: the same choices and defaults as `trajscope export`, and before anything is
// written, what it will write and what it leaves out (an episode nobody rewarded is not a zero
// reward; the leak lab's sessions are leaky on purpose). A download in a browser, a file picked in
// the save dialog on the desktop.
import { useEffect, useState } from 'react';
import type { ExportRequest, ExportTally } from '../../../../shared/api.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { exportCommand, leftOut, plural } from './tally.ts';
import { exportPreview } from './data.ts';

const UNLABELED: Array<[ExportRequest['unlabeled'], string]> = [
  ['skip', 'leave them out'],
  ['zero', 'reward 0, marked reward_source "default"'],
  ['null', 'write them with no reward (null)'],
];

const FORMATS: Array<[string, string, string]> = [
  [
    '',
    'text: one line per call',
    'messages, reply, tool calls and reward, with the server’s token ids where it gave them',
  ],
  [
    'individual',
    'tokens: one row per call',
    'AReaL’s input_ids, loss_mask, logprobs, versions: prompt, then generated',
  ],
  [
    'concat',
    'tokens: calls joined where the prefix holds',
    'a call joins the row only where its prompt starts with the row token for token; a new row says why it split',
  ],
];

export function ExportDialog({ sessionKey, onClose }: { sessionKey: string | null; onClose: () => void }) {
  const store = useStoreApi();
  const [r, setR] = useState<ExportRequest>({
    ...(sessionKey ? { sessionKey } : {}),
    unlabeled: 'skip',
    includeLab: false,
    includeFailed: false,
    dropRetryOrphans: false,
    discount: 1,
  });
  // on a hub, every session: the hosts whose data goes in (all of them unless told otherwise)
  const remotes = useStore((s) => s.hosts);
  const hostNames = ['local', ...remotes.map((h) => h.name)];
  const chosen = r.hosts === 'all' ? hostNames : (r.hosts ?? hostNames);
  const choose = (name: string, on: boolean) => {
    const next = hostNames.filter((n) => (n === name ? on : chosen.includes(n)));
    setR((prev) => ({ ...prev, hosts: next.length === hostNames.length ? 'all' : next }));
  };
  useEffect(() => {
    if (remotes.length && !r.sessionKey && !r.hosts) setR((prev) => ({ ...prev, hosts: 'all' }));
    if (r.sessionKey && r.hosts) setR(({ hosts: _, ...prev }) => prev);
  }, [remotes.length, r.sessionKey, r.hosts]);
  const [discountText, setDiscountText] = useState('1');
  const [preview, setPreview] = useState<ExportTally | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ExportRequest>(k: K, v: ExportRequest[K]) => setR((prev) => ({ ...prev, [k]: v }));

  // what these choices would write, counted by the engine the way the export itself walks
  useEffect(() => {
    let live = true;
    setPreview(null);
    const t = setTimeout(() => {
      exportPreview(store, r)
        .then((p) => live && (setPreview(p), setError(null)))
        .catch((e: Error) => live && setError(e.message));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [store, r]);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await store.getState().api.saveExport(r);
      if (!saved) return; // the save dialog was cancelled: the choices stay
      const out = leftOut(saved);
      store
        .getState()
        .setNotice(
          `Exported ${plural(saved.interactions, r.tokens ? 'token row' : 'interaction')} to ${saved.file}` +
            (out ? `; left out ${out}` : ''),
        );
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const hostsOk = !Array.isArray(r.hosts) || r.hosts.length > 0;
  const discountOk = r.discount >= 0 && r.discount <= 1 && discountText.trim() !== '' && hostsOk;
  return (
    <div
      className="overlay"
      role="dialog"
      aria-label="Export trajectories"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <form
        className="dialog export-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (discountOk && preview) void save();
        }}
      >
        <h3>Export trajectories</h3>
        <label>
          What
          <select
            aria-label="Export scope"
            value={r.sessionKey ?? ''}
            onChange={(e) => set('sessionKey', e.target.value || undefined)}
          >
            <option value="">every session</option>
            {sessionKey && <option value={sessionKey}>session {sessionKey}</option>}
          </select>
        </label>
        {remotes.length > 0 && !r.sessionKey && (
          <fieldset data-testid="export-hosts">
            <legend>Hosts (each line says its host)</legend>
            {hostNames.map((name) => {
              const down = remotes.find((h) => h.name === name)?.reachable === false;
              return (
                <label key={name} className="inline">
                  <input
                    type="checkbox"
                    checked={chosen.includes(name)}
                    onChange={(e) => choose(name, e.target.checked)}
                  />
                  {name === 'local' ? 'local (this engine)' : name}
                  {down && <span className="error small"> · does not answer</span>}
                </label>
              );
            })}
            {!hostsOk && <span className="error small">choose at least one host</span>}
          </fieldset>
        )}
        <label>
          Format
          <select
            aria-label="Export format"
            value={r.tokens ?? ''}
            onChange={(e) => {
              const v = e.target.value as '' | 'individual' | 'concat';
              setR(({ tokens: _, ...prev }) => ({ ...prev, ...(v ? { tokens: v, includeFailed: false } : {}) }));
            }}
          >
            {FORMATS.map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
          <span className="muted small">{FORMATS.find(([v]) => v === (r.tokens ?? ''))![2]}</span>
        </label>
        <fieldset>
          <legend>Episodes nobody rewarded (shown as “r –”)</legend>
          {UNLABELED.map(([v, text]) => (
            <label key={v} className="inline">
              <input type="radio" name="unlabeled" checked={r.unlabeled === v} onChange={() => set('unlabeled', v)} />
              {text}
            </label>
          ))}
        </fieldset>
        <label className="inline">
          <input type="checkbox" checked={r.includeLab} onChange={(e) => set('includeLab', e.target.checked)} />
          include the leak lab’s sessions (leaky on purpose)
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={r.includeFailed}
            disabled={r.tokens !== undefined}
            onChange={(e) => set('includeFailed', e.target.checked)}
          />
          include failed calls, marked by their outcome and without reward (for inspection, not training)
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={r.dropRetryOrphans}
            onChange={(e) => set('dropRetryOrphans', e.target.checked)}
          />
          drop the answers a client retry left dangling
        </label>
        <label>
          Reward discount γ (r_i ← r_i + γ·r_i+1)
          <input
            aria-label="Reward discount"
            inputMode="decimal"
            value={discountText}
            onChange={(e) => {
              setDiscountText(e.target.value);
              const n = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1) set('discount', n);
              else set('discount', Number.NaN);
            }}
          />
          {!(r.discount >= 0 && r.discount <= 1 && discountText.trim() !== '') && (
            <span className="error small">γ is a number from 0 to 1</span>
          )}
        </label>
        <p className="export-preview" aria-live="polite" data-testid="export-preview">
          {error ? (
            <span className="error">{error}</span>
          ) : !discountOk ? (
            '—'
          ) : preview ? (
            <>
              Writes {plural(preview.interactions, r.tokens ? 'token row' : 'interaction')} of{' '}
              {plural(preview.episodes, 'episode')}
              {leftOut(preview) ? `; leaves out ${leftOut(preview)}` : ''}.
            </>
          ) : (
            'Counting…'
          )}
        </p>
        <code className="small muted">{exportCommand(r)}</code>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !preview || !discountOk}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
