// The diff of a turn's prompt: against the previous turn's (a clean next turn is a pure append),
// the previous episode's last request for a first turn (a new episode starts afresh), or any other
// turn of the session; compared as logical messages, inline or side by side.
import { useEffect, useMemo, useState } from 'react';
import {
  type Episode,
  type TurnDetail,
  type UpstreamCall,
  type UpstreamCallDetail,
} from '../../../../shared/domain.ts';
import { logicalPromptText } from '../../../../shared/prompt-text.ts';
import { historyText } from '../../format.ts';
import { comparePrompts, diffVerdict, spanAlert, type DiffMode } from '../../prompt-diff.ts';
import { useStore, useStoreApi, useTurnAlerts } from '../../store/use-store.ts';
import { kindLabel, useAlertKinds } from '../leaks/alert-kinds.ts';
import { PromptDiffBody } from './PromptDiffBody.tsx';
import { getCall, listCalls, listTurns } from './data.ts';

const NO_EPISODES: Episode[] = [];

/** This turn's prompt against the previous turn's (a pure append is clean) or any turn picked. */
export function DiffPane({ turn, calls }: { turn: TurnDetail; calls: UpstreamCall[] }) {
  const store = useStoreApi();
  const episodes = useStore((s) => s.episodes[turn.sessionKey] ?? NO_EPISODES);
  const turnsByEpisode = useStore((s) => s.turns);
  const turnAlerts = useTurnAlerts(turn.id);
  const alertKinds = useMemo(() => turnAlerts.map((a) => a.kind), [turnAlerts]);
  const kinds = useAlertKinds();
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
  const [texts, setTexts] = useState<{
    before: string;
    after: string;
    label: string;
    /** turn: the next turn of one episode (should extend); episode: another episode (should not). */
    mode: DiffMode;
    against: string;
    columns: [string, string];
  } | null>(null);

  // every episode's turns are candidates, so a turn can be compared with any other episode's
  useEffect(() => {
    const st = store.getState();
    for (const e of episodes) {
      if (st.turns[e.id]) continue;
      void listTurns(store, { episodeId: e.id })
        .then((list) => store.getState().setTurns(e.id, list))
        .catch((err: Error) =>
          store.getState().setNotice(`Loading turns of episode ${e.index} failed: ${err.message}`, 'error'),
        );
    }
  }, [episodes, store]);

  // the other side: the chosen turn, else the previous turn of this episode, else the previous
  // episode's last turn (a first turn is compared with what came before it, never with nothing)
  const other = useMemo(() => {
    const where = (id: string) => {
      for (const e of episodes) {
        const t = (turnsByEpisode[e.id] ?? []).find((x) => x.id === id);
        if (t) return { turnId: id, episode: e, index: t.index };
      }
      return null;
    };
    if (otherId) return where(otherId);
    const prev = (turnsByEpisode[turn.episodeId] ?? []).find((t) => t.index === turn.index - 1);
    if (prev) return where(prev.id);
    const ep = episodes.find((e) => e.id === turn.episodeId);
    const before = ep ? episodes.filter((e) => e.index < ep.index).at(-1) : undefined;
    const last = before ? (turnsByEpisode[before.id] ?? []).at(-1) : undefined;
    return before && last ? { turnId: last.id, episode: before, index: last.index } : null;
  }, [otherId, episodes, turnsByEpisode, turn.episodeId, turn.index]);

  useEffect(() => {
    let stale = false;
    const callOf = async (turnId: string, which: 'first' | 'last'): Promise<UpstreamCallDetail | null> => {
      const list = turnId === turn.id ? calls : await listCalls(store, { turnId });
      const c = which === 'first' ? list[0] : list.at(-1);
      return c ? getCall(store, { callId: c.id }) : null;
    };
    // Compared as logical messages (OpenClaw's flattened history, timestamps and Runtime line
    // read the way the model reads them), so a clean next turn is a pure append. Across episodes
    // the system prompt is left out: every episode shares it; what must not carry over is the
    // conversation.
    const promptOf = (c: UpstreamCallDetail | null, system: boolean) =>
      c ? logicalPromptText(c.requestBody, { system }) : '';
    void (async () => {
      if (!other) {
        const current = await callOf(turn.id, 'first');
        if (!stale)
          setTexts({
            before: '',
            after: promptOf(current, true) || historyText(turn.history),
            label: 'the first turn of the session: nothing before it',
            mode: 'nothing',
            against: '',
            columns: ['nothing', 'this turn, first request'],
          });
        return;
      }
      const sameEpisode = other.episode.id === turn.episodeId;
      const against = `episode ${other.episode.index} turn ${other.index}`;
      const [a, b] = await Promise.all([
        callOf(other.turnId, sameEpisode ? 'first' : 'last'),
        callOf(turn.id, 'first'),
      ]);
      if (!stale)
        setTexts({
          before: promptOf(a, sameEpisode),
          after: promptOf(b, sameEpisode),
          label: sameEpisode
            ? `against ${otherId ? 'the chosen turn' : 'the previous turn'} (${against}), first request of each`
            : `against ${against}'s last request, conversation only (the system prompt is shared)`,
          mode: sameEpisode ? 'turn' : 'episode',
          against,
          columns: [`${against}, ${sameEpisode ? 'first' : 'last'} request`, 'this turn, first request'],
        });
    })().catch((e: Error) => store.getState().setNotice(e.message, 'error'));
    return () => {
      stale = true;
    };
  }, [turn, calls, other, otherId, store]);

  const diff = useMemo(() => (texts ? comparePrompts(texts.before, texts.after) : null), [texts]);
  const verdict =
    diff && texts ? diffVerdict(texts.mode, diff, texts.against, alertKinds, (k) => kindLabel(kinds, k)) : null;
  const named = texts ? spanAlert(texts.mode, alertKinds) : null;
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
        {verdict && (
          <span className={`badge ${verdict.tone}`} data-testid="diff-verdict" data-tone={verdict.tone}>
            {verdict.text}
          </span>
        )}
        {texts && <span className="muted small">{texts.label}, as logical messages</span>}
        <span className="spacer" />
        <label className="inline small">
          <input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} /> side by side
        </label>
      </div>
      {diff && texts && (
        <PromptDiffBody
          parts={diff.parts}
          mode={texts.mode}
          spanName={named ? kindLabel(kinds, named) : null}
          sideBySide={sideBySide}
          labels={texts.columns}
        />
      )}
    </section>
  );
}
