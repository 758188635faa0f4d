// One group: its rollouts side by side, turns aligned across them, each rollout's reward and
// group-relative advantage (GRPO's (r − mean)/std). Keyboard first: j/k or ←/→ move between
// rollouts, 1–9 and 0 pick a reward preset, Enter saves it and moves on, u undoes, s sorts by
// reward, d marks two rollouts and opens their diff. The order only changes when asked (s), so a
// label never moves the rollout under the labeler.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GroupView as Group, Rollout } from '../../../../shared/rollouts.ts';
import { reward } from '../../format.ts';
import { isTyping } from '../../keyboard.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { noPreset, presetFor, presetKeys } from '../rewards/presets.ts';
import { AdvantageBars } from './AdvantageBars.tsx';
import { CopyLink } from '../../components/CopyLink.tsx';
import { followGroup, getGroup, labelRollout, undoLabel } from './actions.ts';

const DEFAULT_SCALE = [0, 0.25, 0.5, 0.75, 1];

export function GroupView({ groupId }: { groupId: string }) {
  const store = useStoreApi();
  const scale = useStore((s) => s.settings?.rewardScale ?? DEFAULT_SCALE);
  const keys = presetKeys(scale);
  const [group, setGroup] = useState<Group | null>(null);
  const [order, setOrder] = useState<string[]>([]);
  const [sel, setSel] = useState(0);
  const [draft, setDraft] = useState<number | null>(null);
  const [marked, setMarked] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const latest = useRef({ group, order, sel, draft, marked, confirming });
  latest.current = { group, order, sel, draft, marked, confirming };

  const load = useCallback(async () => {
    try {
      const g = await getGroup(store, groupId);
      setGroup(g);
      // new rollouts join the end; the order the labeler sees stays put
      setOrder((prev) => [...prev, ...g.rollouts.map((r) => r.episode.id).filter((id) => !prev.includes(id))]);
    } catch (e) {
      setFailed((e as Error).message);
    }
  }, [store, groupId]);
  useEffect(() => void load(), [load]);
  // follow the rollouts while they run and while they are labeled
  useEffect(
    () =>
      followGroup(
        store,
        groupId,
        (episodeId) => latest.current.order.includes(episodeId),
        () => void load(),
      ),
    [store, groupId, load],
  );

  const rollouts = group
    ? order.map((id) => group.rollouts.find((r) => r.episode.id === id)).filter((r): r is Rollout => !!r)
    : [];
  const current = rollouts[Math.min(sel, rollouts.length - 1)];

  useEffect(() => {
    const save = async (r: Rollout, value: number) => {
      try {
        await labelRollout(store, r.episode.id, value);
        setDraft(null);
        setConfirming(false);
        setSel((i) => Math.min(i + 1, latest.current.order.length - 1));
        await load();
      } catch (e) {
        store.getState().setNotice(`Not saved: ${(e as Error).message}`, 'error');
      }
    };
    const onKey = (e: KeyboardEvent) => {
      const st = store.getState();
      if (isTyping(e) || st.paletteOpen || e.ctrlKey || e.metaKey || e.altKey) return;
      const { group: g, order: o, sel: i, draft: d, marked: m } = latest.current;
      if (!g) return;
      const list = o.map((id) => g.rollouts.find((r) => r.episode.id === id)).filter((r): r is Rollout => !!r);
      const r = list[Math.min(i, list.length - 1)];
      const preset = presetFor(e.key, st.settings?.rewardScale ?? DEFAULT_SCALE);
      const none = noPreset(e.key, st.settings?.rewardScale ?? DEFAULT_SCALE);
      if (preset !== null) {
        setDraft(preset);
        setConfirming(false);
      } else if (none) st.setNotice(none, 'error');
      else if (e.key === 'j' || e.key === 'ArrowRight' || e.key === 'k' || e.key === 'ArrowLeft') {
        const step = e.key === 'j' || e.key === 'ArrowRight' ? 1 : -1;
        setSel(Math.max(0, Math.min(i + step, list.length - 1)));
        setDraft(null);
        setConfirming(false);
      } else if (e.key === 'Enter' && r && d !== null) {
        // a saved label is replaced only on a second Enter, with the replacement named first
        const saved = r.episode.rewardSource === 'human' ? r.episode.reward : null;
        if (saved === null || latest.current.confirming) void save(r, d);
        else if (saved === d) {
          st.setNotice(`Already labeled ${reward(d)}.`);
          setDraft(null);
        } else setConfirming(true);
      } else if (e.key === 'u' && r)
        void undoLabel(store, r.episode.id)
          .then(() => load())
          .catch((err: Error) => st.setNotice(`Undo failed: ${err.message}`, 'error'));
      else if (e.key === 's') {
        // the engine's order, best first; the selected rollout stays selected
        const sorted = g.rollouts.map((x) => x.episode.id);
        setOrder(sorted);
        if (r) setSel(sorted.indexOf(r.episode.id));
      } else if (e.key === 'd' && r) {
        if (m && m !== r.episode.id) {
          setMarked(null);
          st.navigate({ view: 'compare', episodeId: m, otherEpisodeId: r.episode.id });
        } else setMarked(m === r.episode.id ? null : r.episode.id);
      } else if (e.key === 'Escape') {
        setMarked(null);
        setConfirming(false);
        setDraft(null);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, load]);

  if (failed) return <p className="error-text">The group could not be loaded: {failed}</p>;
  if (!group) return <p className="muted">Loading the group…</p>;
  const turnCount = Math.max(0, ...rollouts.map((r) => r.turns.length));
  return (
    <div className="group-view" aria-label="Group">
      <h2>
        {group.taskId ?? 'Group'} <span className="muted small">{group.groupId}</span>{' '}
        <CopyLink to={{ view: 'groups', groupId: group.groupId }} what="this group" />
      </h2>
      <p className="muted small">
        {rollouts.length} rollouts · mean r {reward(group.mean)} · std {reward(group.std)} · advantage = (r − mean) /
        (std + 1e-5)
        <br />
        <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>{keys}</kbd> reward · <kbd>Enter</kbd> save · <kbd>u</kbd> undo ·{' '}
        <kbd>s</kbd> sort by reward · <kbd>d</kbd> mark two to diff
      </p>
      <AdvantageBars rollouts={rollouts} selected={Math.min(sel, rollouts.length - 1)} onSelect={setSel} />
      <div className="rollouts" style={{ gridTemplateColumns: `repeat(${rollouts.length}, minmax(220px, 1fr))` }}>
        {rollouts.map((r, i) => (
          <div
            key={r.episode.id}
            className={`rollout ${r === current ? 'selected' : ''} ${marked === r.episode.id ? 'marked' : ''}`}
            data-testid="rollout"
            data-selected={r === current}
            onClick={() => setSel(i)}
          >
            <div className="rollout-head">
              <button
                type="button"
                className="link"
                onClick={() =>
                  store.getState().navigate({
                    view: 'sessions',
                    sessionKey: r.episode.sessionKey,
                    episodeId: r.episode.id,
                    turnId: null,
                    callId: null,
                  })
                }
              >
                {r.episode.sessionKey}
              </button>
              <div className="row small">
                <span className={`badge ${r.episode.status}`}>{r.episode.status}</span>
                <span className="badge" data-testid="rollout-reward">
                  r {reward(r.episode.reward)}
                </span>
                <span className="badge" data-testid="rollout-advantage" title="(r − mean) / (std + ε)">
                  A {r.advantage === null ? '–' : r.advantage.toFixed(2)}
                </span>
                {r.alerts > 0 && <span className="badge warn">⚠ {r.alerts}</span>}
              </div>
              {r === current && draft !== null && (
                <div className={`small ${confirming ? 'confirm' : ''}`} data-testid="group-draft" role="status">
                  {confirming
                    ? `Replace the saved label ${reward(r.episode.reward)} with ${reward(draft)}? ` +
                      'Enter replaces · Esc keeps'
                    : `pending reward ${reward(draft)} — Enter to save`}
                </div>
              )}
            </div>
            {Array.from({ length: turnCount }, (_, t) => {
              const turn = r.turns[t];
              return (
                <div key={t} className={`rollout-turn ${turn?.status ?? ''}`}>
                  <span className="muted small">#{t}</span>{' '}
                  {turn ? (
                    <>
                      <span className="small">{(turn.reply ?? '').slice(0, 240)}</span>
                      {turn.toolCalls.length > 0 && (
                        <div className="muted small">tools: {turn.toolCalls.map((c) => c.name).join(', ')}</div>
                      )}
                    </>
                  ) : (
                    <span className="muted small">…</span>
                  )}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <p className="muted small">Presets: {scale.map((v, i) => `${i === 9 ? 0 : i + 1}=${v}`).join(' · ')}</p>
    </div>
  );
}
