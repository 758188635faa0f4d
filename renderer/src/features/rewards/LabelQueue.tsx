// The reward labeling queue, keyboard first: j/k or ←/→ move, 1–9 and 0 pick a preset, e types a
// value, n adds a note, Enter saves and advances, u undoes the last label. "Saved" is shown only
// once the engine has committed the label; the queue follows episodes:changed and rewards:changed
// from the store, and the key handler reads the draft from the store at the moment of the key.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Episode } from '../../../../shared/domain.ts';
import { ToolErrorBadge } from '../../components/ToolErrorBadge.tsx';
import { clock, plural, reward, tryJson } from '../../format.ts';
import { isTyping } from '../../keyboard.ts';
import { episodeById } from '../../store/store.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { loadEpisodeDetail, loadQueue, save, undo } from './actions.ts';
import { noPreset, presetFor, presetKeys } from './presets.ts';

// Selectors must return stable references: a fresh default array on each call re-renders forever.
const DEFAULT_SCALE = [0, 0.25, 0.5, 0.75, 1];
const NO_TURNS: never[] = [];

export function LabelQueue() {
  const store = useStoreApi();
  const episodes = useStore((s) => s.episodes);
  const queue = useStore((s) => s.queue);
  const index = useStore((s) => s.labelIndex);
  const draft = useStore((s) => s.draft);
  const scale = useStore((s) => s.settings?.rewardScale ?? DEFAULT_SCALE);
  const byId = useMemo(() => episodeById(episodes), [episodes]);
  const ep: Episode | undefined = byId.get(queue[Math.min(index, queue.length - 1)] ?? '');
  const turns = useStore((s) => (ep ? (s.turns[ep.id] ?? NO_TURNS) : NO_TURNS));
  const labels = useStore((s) => (ep ? s.rewards[ep.id] : undefined));
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
      const last = Math.max(0, st.queue.length - 1);
      const scale = st.settings?.rewardScale ?? DEFAULT_SCALE;
      const preset = presetFor(e.key, scale);
      const none = noPreset(e.key, scale);
      if (preset !== null) st.setDraft({ value: preset });
      else if (none) st.setNotice(none, 'error');
      else if (e.key === 'j' || e.key === 'ArrowRight') st.setLabelIndex(Math.min(st.labelIndex + 1, last));
      else if (e.key === 'k' || e.key === 'ArrowLeft') st.setLabelIndex(Math.max(st.labelIndex - 1, 0));
      else if (e.key === 'Enter') void save(store, true);
      else if (e.key === 'u') void undo(store);
      else if (e.key === 'e' || e.key === 'n') {
        e.preventDefault();
        setEditing(e.key === 'e' ? 'value' : 'note');
        setText(e.key === 'e' ? (st.draft.value === null ? '' : String(st.draft.value)) : st.draft.note);
        setTimeout(() => inputRef.current?.focus(), 0);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  if (!ep) {
    return (
      <div className="empty center">
        <h2>Nothing to label</h2>
        <p>
          Finished episodes show up here. End an episode, or run the sample task from the command palette (Ctrl/Cmd+K).
        </p>
      </div>
    );
  }
  const human = labels?.filter((l) => l.source === 'human').at(-1);
  const unlabeled = queue.filter((id) => byId.get(id)?.rewardSource !== 'human').length;
  const commit = () => {
    if (editing === 'value') {
      const v = Number(text);
      if (text.trim() === '' || !Number.isFinite(v)) {
        store.getState().setNotice(`"${text}" is not a number`, 'error');
        return;
      }
      store.getState().setDraft({ value: v });
    } else store.getState().setDraft({ note: text });
    setEditing(null);
  };
  return (
    <div className="label-view" data-testid="label-queue">
      <header className="row">
        <h2>Label episodes</h2>
        <span className="muted">
          {index + 1} / {queue.length} · {unlabeled} unlabeled
        </span>
        <span className="spacer" />
        <span className="muted small">
          keys: {presetKeys(scale)} preset · e value · n note · Enter save+next · u undo · j/k move
        </span>
      </header>
      <section className="label-card">
        <div className="row">
          <strong>{ep.sessionKey}</strong>{' '}
          <span className="muted">
            episode {ep.index}
            {ep.taskId ? ` · task ${ep.taskId}` : ''} · {plural(ep.turnCount, 'turn')} · ended {clock(ep.endedAt)}
          </span>{' '}
          <ToolErrorBadge count={turns.reduce((n, t) => n + t.toolErrors, 0)} />
        </div>
        <div className="row scale">
          {scale.map((v, i) => (
            <span key={i} className={`preset ${draft.value === v ? 'active' : ''}`}>
              <kbd>{i === 9 ? 0 : i + 1}</kbd> {reward(v)}
            </span>
          ))}
        </div>
        <div className="row">
          <span>
            Pending: <strong data-testid="pending-reward">{draft.value === null ? '–' : reward(draft.value)}</strong>
          </span>
          {draft.note && <span className="muted">note: {draft.note}</span>}
          <span className="spacer" />
          <span data-testid="saved-label">
            {human
              ? `saved ${reward(human.value)} by ${human.labeler ?? '?'} at ${clock(human.createdAt)}` +
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
