// The diff of a turn's prompt: against the previous turn's (a clean next turn is a pure append) or
// any other turn of the session, compared as logical messages, inline or side by side.
import { useEffect, useMemo, useState } from 'react';
import type { Episode, TurnDetail, UpstreamCall, UpstreamCallDetail } from '../../../../shared/domain.ts';
import { logicalPromptText } from '../../../../shared/prompt-text.ts';
import { comparePrompts, historyText } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';

const NO_EPISODES: Episode[] = [];

/** This turn's prompt against the previous turn's (a pure append is clean) or any turn picked. */
export function DiffPane({ turn, calls }: { turn: TurnDetail; calls: UpstreamCall[] }) {
  const store = useStoreApi();
  const episodes = useStore((s) => s.episodes[turn.sessionKey] ?? NO_EPISODES);
  const turnsByEpisode = useStore((s) => s.turns);
  const candidates = useMemo(
    () =>
      episodes
        .flatMap((e) =>
          (turnsByEpisode[e.id] ?? []).map((t) => ({ id: t.id, label: `episode ${e.index} · turn ${t.index}` })),
        )
        .filter((c) => c.id !== turn.id),
    [episodes, turnsByEpisode, turn.id],
  );
  const [otherId, setOtherId] = useState<string | null>(null);
  const [sideBySide, setSideBySide] = useState(false);
  const [texts, setTexts] = useState<{ before: string; after: string; label: string } | null>(null);

  // every episode's turns are candidates, so a turn can be compared with any other episode's
  useEffect(() => {
    const st = store.getState();
    for (const e of episodes) {
      if (st.turns[e.id]) continue;
      void st.api
        .invoke('turns:list', { episodeId: e.id })
        .then((list) => store.getState().setTurns(e.id, list))
        .catch((err: Error) =>
          store.getState().setNotice(`Loading turns of episode ${e.index} failed: ${err.message}`, 'error'),
        );
    }
  }, [episodes, store]);

  useEffect(() => {
    let stale = false;
    const api = store.getState().api;
    const firstCall = async (turnId: string): Promise<UpstreamCallDetail | null> => {
      const list = turnId === turn.id ? calls : await api.invoke('calls:list', { turnId });
      return list[0] ? api.invoke('calls:get', { callId: list[0].id }) : null;
    };
    // Compared as logical messages (OpenClaw's flattened history, timestamps and Runtime line
    // read the way the model reads them), so a clean next turn is a pure append.
    const promptOf = (c: UpstreamCallDetail | null) => (c ? logicalPromptText(c.requestBody) : '');
    void (async () => {
      const siblings = store.getState().turns[turn.episodeId] ?? [];
      const prev = otherId ?? siblings.find((t) => t.index === turn.index - 1)?.id ?? null;
      if (!prev) {
        const current = await firstCall(turn.id);
        if (!stale)
          setTexts({
            before: '',
            after: promptOf(current) || historyText(turn.history),
            label: 'first turn of the episode (against nothing)',
          });
        return;
      }
      const [a, b] = await Promise.all([firstCall(prev), firstCall(turn.id)]);
      if (!stale)
        setTexts({
          before: promptOf(a),
          after: promptOf(b),
          label: otherId ? 'against the chosen turn' : 'against the previous turn',
        });
    })().catch((e: Error) => store.getState().setNotice(e.message, 'error'));
    return () => {
      stale = true;
    };
  }, [turn, calls, otherId, store]);

  const diff = useMemo(() => (texts ? comparePrompts(texts.before, texts.after) : null), [texts]);
  return (
    <section aria-label="Diff" className="diff">
      <div className="row">
        <label>
          Compare with{' '}
          <select value={otherId ?? ''} onChange={(e) => setOtherId(e.target.value || null)}>
            <option value="">previous turn</option>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {diff && (
          <span className={`badge ${diff.pureAppend ? 'ok' : 'warn'}`} data-testid="diff-verdict">
            {diff.pureAppend ? 'pure append' : 'changed: not a pure append'}
          </span>
        )}
        {texts && (
          <span className="muted small">{texts.label} · first upstream request of each turn, as logical messages</span>
        )}
        <span className="spacer" />
        <label className="inline small">
          <input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} /> side by side
        </label>
      </div>
      {diff && !sideBySide && (
        <pre className="diff-body">
          {diff.parts.map((p, i) => (
            <span key={i} className={`d-${p.kind}`}>
              {p.text}
            </span>
          ))}
        </pre>
      )}
      {diff && sideBySide && (
        <div className="diff-sides">
          <pre className="diff-body" aria-label="Before">
            {diff.parts
              .filter((p) => p.kind !== 'added')
              .map((p, i) => (
                <span key={i} className={`d-${p.kind}`}>
                  {p.text}
                </span>
              ))}
          </pre>
          <pre className="diff-body" aria-label="After">
            {diff.parts
              .filter((p) => p.kind !== 'removed')
              .map((p, i) => (
                <span key={i} className={`d-${p.kind}`}>
                  {p.text}
                </span>
              ))}
          </pre>
        </div>
      )}
    </section>
  );
}
