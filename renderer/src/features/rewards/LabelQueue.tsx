// The reward labeling queue, keyboard first: j/k or ←/→ move, 1–9 and 0 pick a preset, e types a
// value, n adds a note, Enter saves and advances, u undoes the last label. "Saved" is shown only
// once the engine has committed the label to disk.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Episode, Reward, Turn } from '../../../../shared/domain.ts';
import { clock, reward, tryJson } from '../../format.ts';
import { labelQueue } from '../../store/store.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { isTyping } from '../../keys.ts';
import { presetFor } from './presets.ts';

// Selectors must return stable references: a fresh default array on each call re-renders forever.
const DEFAULT_SCALE = [0, 0.25, 0.5, 0.75, 1];

export function LabelQueue() {
  const store = useStoreApi();
  const episodesBySession = useStore((s) => s.episodes);
  const scale = useStore((s) => s.settings?.rewardScale ?? DEFAULT_SCALE);
  const queue = useMemo(() => labelQueue(episodesBySession), [episodesBySession]);
  const [index, setIndex] = useState(0);
  const [pending, setPending] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const [editing, setEditing] = useState<'value' | 'note' | null>(null);
  const [draft, setDraft] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [labels, setLabels] = useState<Reward[]>([]);
  const [saving, setSaving] = useState(false);
  const ep: Episode | undefined = queue[Math.min(index, queue.length - 1)];
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void (async () => {
      const all = await store.getState().api.invoke('episodes:list', { status: 'ended' });
      const bySession: Record<string, Episode[]> = {};
      for (const e of all) (bySession[e.sessionKey] ??= []).push(e);
      for (const [k, list] of Object.entries(bySession)) store.getState().setEpisodes(k, [...(store.getState().episodes[k] ?? []).filter((e) => e.status === 'open'), ...list].sort((a, b) => a.index - b.index));
    })().catch((e: Error) => store.getState().setNotice(e.message, 'error'));
  }, [store]);

  const refresh = useCallback(async (e: Episode | undefined) => {
    if (!e) return;
    const api = store.getState().api;
    const [t, r] = await Promise.all([api.invoke('turns:list', { episodeId: e.id }), api.invoke('rewards:list', { episodeId: e.id })]);
    setTurns(t);
    setLabels(r);
  }, [store]);
  useEffect(() => {
    setPending(null);
    setNote('');
    void refresh(ep).catch(() => {});
  }, [ep, refresh]);

  const save = useCallback(async (advance: boolean) => {
    if (!ep || pending === null || saving) return;
    setSaving(true);
    try {
      await store.getState().api.invoke('rewards:set', { episodeId: ep.id, value: pending, ...(note ? { note } : {}) });
      const fresh = await store.getState().api.invoke('episodes:list', { sessionKey: ep.sessionKey });
      store.getState().setEpisodes(ep.sessionKey, fresh);
      await refresh(ep);
      setPending(null);
      setNote('');
      if (advance) setIndex((i) => Math.min(i + 1, Math.max(0, queue.length - 1)));
    } catch (e) {
      store.getState().setNotice(`Not saved: ${(e as Error).message}`, 'error');
    } finally {
      setSaving(false);
    }
  }, [ep, pending, note, saving, store, refresh, queue.length]);

  const undo = useCallback(async () => {
    if (!ep) return;
    const r = await store.getState().api.invoke('rewards:undo', { episodeId: ep.id });
    store.getState().setNotice(r.removed ? `Removed the label ${reward(r.removed.value)}.` : 'No human label to undo.');
    store.getState().setEpisodes(ep.sessionKey, await store.getState().api.invoke('episodes:list', { sessionKey: ep.sessionKey }));
    await refresh(ep);
  }, [ep, store, refresh]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || store.getState().paletteOpen || e.ctrlKey || e.metaKey || e.altKey) return;
      const preset = presetFor(e.key, scale);
      if (preset !== null) setPending(preset);
      else if (e.key === 'j' || e.key === 'ArrowRight') setIndex((i) => Math.min(i + 1, Math.max(0, queue.length - 1)));
      else if (e.key === 'k' || e.key === 'ArrowLeft') setIndex((i) => Math.max(i - 1, 0));
      else if (e.key === 'Enter') void save(true);
      else if (e.key === 'u') void undo();
      else if (e.key === 'e' || e.key === 'n') {
        e.preventDefault();
        setEditing(e.key === 'e' ? 'value' : 'note');
        setDraft(e.key === 'e' ? (pending === null ? '' : String(pending)) : note);
        setTimeout(() => inputRef.current?.focus(), 0);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [scale, queue.length, save, undo, pending, note, store]);

  if (!ep) {
    return <div className="empty center"><h2>Nothing to label</h2><p>Finished episodes show up here. End an episode, or run the sample task from the command palette (Ctrl/Cmd+K).</p></div>;
  }
  const human = labels.filter((l) => l.source === 'human').at(-1);
  return (
    <div className="label-view" data-testid="label-queue">
      <header className="row">
        <h2>Label episodes</h2>
        <span className="muted">{index + 1} / {queue.length} · {queue.filter((q) => q.rewardSource !== 'human').length} unlabeled</span>
        <span className="spacer" />
        <span className="muted small">keys: 1–9 0 preset · e value · n note · Enter save+next · u undo · j/k move</span>
      </header>
      <section className="label-card">
        <div className="row">
          <strong>{ep.sessionKey}</strong> <span className="muted">episode {ep.index}{ep.taskId ? ` · task ${ep.taskId}` : ''} · {ep.turnCount} turns · ended {clock(ep.endedAt)}</span>
        </div>
        <div className="row scale">
          {scale.map((v, i) => <span key={i} className={`preset ${pending === v ? 'active' : ''}`}><kbd>{i === 9 ? 0 : i + 1}</kbd> {reward(v)}</span>)}
        </div>
        <div className="row">
          <span>Pending: <strong data-testid="pending-reward">{pending === null ? '–' : reward(pending)}</strong></span>
          {note && <span className="muted">note: {note}</span>}
          <span className="spacer" />
          <span data-testid="saved-label">{human ? `saved ${reward(human.value)} by ${human.labeler ?? '?'} at ${clock(human.createdAt)}${human.note ? ` — ${human.note}` : ''}` : 'not labeled yet'}</span>
          {saving && <span className="muted">saving…</span>}
        </div>
        {editing && (
          <input ref={inputRef} aria-label={editing === 'value' ? 'Reward value' : 'Note'} value={draft} onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(null);
              if (e.key !== 'Enter') return;
              e.preventDefault();
              if (editing === 'value') {
                const v = Number(draft);
                if (draft.trim() === '' || !Number.isFinite(v)) {
                  store.getState().setNotice(`"${draft}" is not a number`, 'error');
                  return;
                }
                setPending(v);
              } else setNote(draft);
              setEditing(null);
            }} />
        )}
      </section>
      <section className="conversation" aria-label="Conversation">
        {turns.map((t) => (
          <div key={t.id} className="turn-block">
            <div className="message user"><span className="role">user</span><pre>{t.message}</pre></div>
            {t.toolCalls.map((c) => <pre key={`${t.id}-${c.index}`} className="tool-call">tool_call {c.name} {JSON.stringify(tryJson(c.arguments) ?? c.arguments)}</pre>)}
            <div className={`message assistant ${t.status}`}><span className="role">{t.status === 'ok' ? 'assistant' : t.status}</span><pre>{t.reply ?? t.error ?? ''}</pre></div>
          </div>
        ))}
      </section>
      <section className="muted small">
        History of labels: {labels.length === 0 ? 'none' : labels.map((l) => `${reward(l.value)} (${l.source}${l.labeler ? ` ${l.labeler}` : ''}, ${clock(l.createdAt)})`).join(' · ')}
      </section>
    </div>
  );
}
