// The reward labeling queue, keyboard first (label-keys.ts decides what a key does): a digit labels
// the episode at once and the saved label shows on it; Enter or → moves on, ← goes back; replacing a
// saved label asks first; the queue ends at its last episode with "all labeled"; b browses the
// labeled ones. "Saved" is shown only once the engine has committed the label.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Episode } from '../../../../shared/domain.ts';
import { ToolErrorBadge } from '../../components/ToolErrorBadge.tsx';
import { clock, plural, reward, tryJson } from '../../format.ts';
import { isTyping } from '../../keyboard.ts';
import { episodeById, labelList, type State } from '../../store/store.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { currentEpisodeId, loadEpisodeDetail, loadQueue, save, undo } from './actions.ts';
import { give, labelKey, type LabelScreen } from './label-keys.ts';
import { presetKeys } from './presets.ts';
import { RecentLabels } from './RecentLabels.tsx';

// Selectors must return stable references: a fresh default array on each call re-renders forever.
const DEFAULT_SCALE = [0, 0.25, 0.5, 0.75, 1];
const NO_TURNS: never[] = [];

/** The saved human label of the episode shown (undefined: no episode — the queue's end). */
function screenOf(st: State): LabelScreen {
  const id = currentEpisodeId(st);
  const ep = id ? episodeById(st.episodes).get(id) : undefined;
  const human = id ? st.rewards[id]?.filter((r) => r.source === 'human').at(-1) : undefined;
  return {
    scale: st.settings?.rewardScale ?? DEFAULT_SCALE,
    saved: !ep ? undefined : human ? human.value : ep.rewardSource === 'human' ? ep.reward : null,
    replacing: st.replacing,
    typed: st.draft.value,
  };
}

export function LabelQueue() {
  const store = useStoreApi();
  const episodes = useStore((s) => s.episodes);
  const mode = useStore((s) => s.labelMode);
  const queue = useStore((s) => s.queue);
  const list = useMemo(() => labelList({ labelMode: mode, queue, episodes }), [mode, queue, episodes]);
  const index = useStore((s) => s.labelIndex);
  const draft = useStore((s) => s.draft);
  const replacing = useStore((s) => s.replacing);
  const scale = useStore((s) => s.settings?.rewardScale ?? DEFAULT_SCALE);
  const byId = useMemo(() => episodeById(episodes), [episodes]);
  const ep: Episode | undefined = byId.get(list[index] ?? '');
  const turns = useStore((s) => (ep ? (s.turns[ep.id] ?? NO_TURNS) : NO_TURNS));
  const labels = useStore((s) => (ep ? s.rewards[ep.id] : undefined));
  const alertCount = useStore((s) => (ep ? s.alerts.filter((a) => a.episodeId === ep.id).length : 0));
  const [editing, setEditing] = useState<'value' | 'note' | null>(null);
  const [text, setText] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void loadQueue(store).catch((e: Error) =>
      store.getState().setNotice(`Loading the queue failed: ${e.message}`, 'error'),
    );
  }, [store]);
  const epId = ep?.id;
  useEffect(() => {
    if (!epId) return;
    void loadEpisodeDetail(store, epId).catch((e: Error) => store.getState().setNotice(e.message, 'error'));
  }, [epId, store]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const st = store.getState();
      if (isTyping(e) || st.paletteOpen || e.ctrlKey || e.metaKey || e.altKey) return;
      const action = labelKey(e.key, screenOf(st));
      if (!action) return;
      e.preventDefault();
      const length = labelList(st).length;
      if (action.do === 'save') void save(store, action.value);
      else if (action.do === 'confirm') st.setReplacing(action.value);
      else if (action.do === 'cancel') st.setReplacing(null);
      else if (action.do === 'say') st.setNotice(action.text, action.error ? 'error' : 'info');
      // the queue's end is one past its last episode; browsing stops at the last
      else if (action.do === 'next')
        st.setLabelIndex(Math.min(st.labelIndex + 1, st.labelMode === 'queue' ? length : length - 1));
      else if (action.do === 'prev') st.setLabelIndex(Math.max(st.labelIndex - 1, 0));
      else if (action.do === 'undo') void undo(store, currentEpisodeId(st) ?? st.recentLabels.at(-1)?.episodeId);
      else if (action.do === 'mode') st.setLabelMode(st.labelMode === 'queue' ? 'browse' : 'queue');
      else if (action.do === 'edit') {
        setEditing(action.what);
        setText(action.what === 'value' ? (st.draft.value === null ? '' : String(st.draft.value)) : st.draft.note);
        setTimeout(() => inputRef.current?.focus(), 0);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const hints = `${presetKeys(scale)} label · Enter/→ next · ← back · e value · n note · u undo · b ${
    mode === 'queue' ? 'browse labeled' : 'back to the queue'
  }`;
  const unlabeled = queue.filter((id) => byId.get(id)?.rewardSource !== 'human').length;
  const header = (
    <header className="row">
      <h2>{mode === 'queue' ? 'Label episodes' : 'Labeled episodes'}</h2>
      <span className="muted" data-testid="label-position">
        {ep ? `${index + 1} / ${list.length}` : `end of ${plural(list.length, 'episode')}`}
        {mode === 'queue' ? ` · ${unlabeled} unlabeled` : ''}
      </span>
      <span className="spacer" />
      <span className="muted small">keys: {hints}</span>
    </header>
  );

  if (!ep) {
    return (
      <div className="label-view" data-testid="label-queue">
        {header}
        <div className="empty center" data-testid="label-end">
          {list.length === 0 && mode === 'queue' ? (
            <>
              <h2>Nothing to label</h2>
              <p>
                Finished episodes no one labeled show up here. End an episode, or run the sample task from the command
                palette. <kbd>b</kbd> browses the labeled ones.
              </p>
            </>
          ) : (
            <>
              <h2>{unlabeled === 0 ? 'All labeled' : `${plural(unlabeled, 'episode')} left unlabeled`}</h2>
              <p>
                {unlabeled === 0
                  ? `Every episode of the queue has a label.`
                  : 'Skipped ones stay in the queue: ← goes back to them.'}{' '}
                <kbd>b</kbd> browses the labeled episodes; new episodes join the queue as they end.
              </p>
            </>
          )}
        </div>
        <RecentLabels />
      </div>
    );
  }
  const human = labels?.filter((l) => l.source === 'human').at(-1);
  const commit = () => {
    const st = store.getState();
    if (editing === 'value') {
      const v = Number(text);
      if (text.trim() === '' || !Number.isFinite(v)) {
        st.setNotice(`"${text}" is not a number`, 'error');
        return;
      }
      st.setDraft({ value: v });
      const action = give(v, screenOf(store.getState()));
      if (action.do === 'save') void save(store, v);
      else if (action.do === 'confirm') st.setReplacing(v);
    } else if (human)
      void save(store, human.value, text); // a note on a saved label: the same value, noted
    else st.setDraft({ note: text });
    setEditing(null);
  };
  return (
    <div className="label-view" data-testid="label-queue">
      {header}
      <section className="label-card">
        <div className="row">
          <strong>{ep.sessionKey}</strong>{' '}
          <span className="muted">
            episode {ep.index}
            {ep.taskId ? ` · task ${ep.taskId}` : ''} · {plural(ep.turnCount, 'turn')} · ended {clock(ep.endedAt)}
          </span>{' '}
          {alertCount > 0 && (
            <span className="badge warn" data-testid="label-alerts" title="leak alerts on this episode">
              ⚠ {plural(alertCount, 'alert')}
            </span>
          )}
          <ToolErrorBadge count={turns.reduce((n, t) => n + t.toolErrors, 0)} />
        </div>
        <div className="row scale">
          {scale.map((v, i) => (
            <span key={i} className={`preset ${(replacing ?? draft.value ?? human?.value) === v ? 'active' : ''}`}>
              <kbd>{i === 9 ? 0 : i + 1}</kbd> {reward(v)}
            </span>
          ))}
        </div>
        {replacing !== null && human && (
          <div className="row confirm" role="alert" data-testid="label-confirm">
            Replace the saved label {reward(human.value)} with {reward(replacing)}? <kbd>Enter</kbd> replaces ·{' '}
            <kbd>Esc</kbd> keeps {reward(human.value)}
          </div>
        )}
        <div className="row">
          {draft.note && !human && <span className="muted">note: {draft.note}</span>}
          <span className="spacer" />
          <span data-testid="saved-label" className={human ? 'saved' : ''}>
            {human
              ? `✓ saved ${reward(human.value)} by ${human.labeler ?? '?'} at ${clock(human.createdAt)}` +
                (human.note ? ` — ${human.note}` : '')
              : labels
                ? 'not labeled yet'
                : 'loading labels…'}
          </span>
        </div>
        {editing && (
          <input
            ref={inputRef}
            aria-label={editing === 'value' ? 'Reward value' : 'Note'}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(null);
              if (e.key !== 'Enter') return;
              e.preventDefault();
              commit();
            }}
          />
        )}
      </section>
      <Conversation turns={turns} />
      <RecentLabels />
      <section className="muted small">
        History of labels:{' '}
        {!labels?.length
          ? 'none'
          : labels
              .map((l) => `${reward(l.value)} (${l.source}${l.labeler ? ` ${l.labeler}` : ''}, ${clock(l.createdAt)})`)
              .join(' · ')}
      </section>
    </div>
  );
}

function Conversation({ turns }: { turns: State['turns'][string] }) {
  return (
    <section className="conversation" aria-label="Conversation">
      {turns.map((t) => (
        <div key={t.id} className="turn-block">
          <div className="message user">
            <span className="role">user</span>
            <pre>{t.message}</pre>
          </div>
          {t.toolCalls.map((c) => (
            <div key={`${t.id}-${c.index}`} className={c.error ? 'tool-call failed' : 'tool-call'}>
              <pre>
                tool_call {c.name} {JSON.stringify(tryJson(c.arguments) ?? c.arguments)}
              </pre>
              {c.error ? (
                <pre className="error-text" data-testid="label-tool-error">
                  ✗ tool failed: {c.error}
                </pre>
              ) : c.result ? (
                <pre className="muted">→ {c.result.length > 400 ? `${c.result.slice(0, 400)}…` : c.result}</pre>
              ) : null}
            </div>
          ))}
          <div className={`message assistant ${t.status}`}>
            <span className="role">{t.status === 'ok' ? 'assistant' : t.status}</span>
            <pre>{t.reply ?? t.error ?? ''}</pre>
          </div>
        </div>
      ))}
    </section>
  );
}
