// Two episodes turn by turn — a replay against its source, or two rollouts of a group: the alerts
// and rewards of each, then per turn the answers diffed, the tool calls, and the prompt the model
// saw (logical messages, diffed). It follows the episodes while they run.
import { useEffect, useState } from 'react';
import type { Episode } from '../../../../shared/domain.ts';
import type { EpisodeComparison, TurnSide } from '../../../../shared/rollouts.ts';
import { sameText, TextDiff } from '../../components/TextDiff.tsx';
import { plural, reward } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { CopyLink } from '../../components/CopyLink.tsx';
import { withoutGatewayPaths } from '../../../../shared/openclaw/prompt.ts';
import { listEpisodes } from '../turns/data.ts';
import { compareEpisodes } from './data.ts';

export function CompareView() {
  const store = useStoreApi();
  const aId = useStore((s) => s.route.episodeId);
  const bId = useStore((s) => s.route.otherEpisodeId);
  const [c, setC] = useState<EpisodeComparison | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // what changes while the episodes run: their turns and alerts (events keep the store current)
  const keys = c ? [c.a.sessionKey, c.b.sessionKey] : [];
  const tick = useStore(
    (s) =>
      keys
        .flatMap((k) => s.episodes[k] ?? [])
        .filter((e) => e.id === aId || e.id === bId)
        .map((e) => `${e.status}:${e.turnCount}`)
        .join(',') + `/${s.alerts.length}`,
  );
  const turnsB = useStore((s) => (bId ? s.turns[bId] : undefined));
  useEffect(() => {
    if (!aId || !bId) return;
    let stale = false;
    void compareEpisodes(store, { episodeId: aId, otherId: bId })
      .then((r) => !stale && setC(r))
      .catch((e: Error) => !stale && setFailed(e.message));
    return () => {
      stale = true;
    };
  }, [store, aId, bId, tick, turnsB]);
  // the replay's turns arrive as events once its session is known here
  useEffect(() => {
    if (c && !store.getState().episodes[c.b.sessionKey])
      void listEpisodes(store, { sessionKey: c.b.sessionKey, order: 'desc', limit: 200 })
        .then((p) => store.getState().setEpisodes(c.b.sessionKey, [...p.items].reverse()))
        .catch((e: Error) => setFailed(`the replay's episodes could not be loaded: ${e.message}`));
  }, [c, store]);
  if (failed) return <p className="error-text">The comparison could not be loaded: {failed}</p>;
  if (!c) return <p className="muted">Loading the comparison…</p>;
  const alerts = (side: 'a' | 'b') => c.turns.flatMap((t) => t[side]?.alerts ?? []);
  const open = (e: Episode) =>
    store
      .getState()
      .navigate({ view: 'sessions', sessionKey: e.sessionKey, episodeId: e.id, turnId: null, callId: null });
  const head = (e: Episode, side: 'a' | 'b', label: string) => (
    <div className="compare-head" data-testid={`compare-${side}`}>
      <div className="muted small">{label}</div>
      <button type="button" className="link" onClick={() => open(e)}>
        {e.sessionKey} · episode {e.index}
      </button>{' '}
      <span className={`badge ${e.status}`}>{e.status}</span> <span className="badge">r {reward(e.reward)}</span>{' '}
      <span className={`badge ${alerts(side).length ? 'warn' : 'ok'}`} data-testid={`alerts-${side}`}>
        {alerts(side).length
          ? `${plural(alerts(side).length, 'alert')}: ${[...new Set(alerts(side))].join(', ')}`
          : 'no alert'}
      </span>
    </div>
  );
  const isReplay = c.b.replayOf === c.a.id;
  return (
    <div className="compare-view" aria-label="Comparison">
      <h2>
        {isReplay ? 'Replay against its source' : 'Two episodes side by side'}{' '}
        <CopyLink to={{ view: 'compare', episodeId: c.a.id, otherEpisodeId: c.b.id }} what="this comparison" />
      </h2>
      <div className="diff-sides">
        {head(c.a, 'a', isReplay ? 'Source' : 'A')}
        {head(c.b, 'b', isReplay ? 'Replay' : 'B')}
      </div>
      {c.turns.map((t) => (
        <TurnRow key={t.index} index={t.index} a={t.a} b={t.b} />
      ))}
      {c.b.status === 'open' && <p className="muted">The replay is running; turns appear as they end.</p>}
    </div>
  );
}

function TurnRow({ index, a, b }: { index: number; a: TurnSide | null; b: TurnSide | null }) {
  const side = (s: TurnSide | null, which: string) =>
    s ? (
      <div className="compare-side" data-testid={`turn-${index}-${which}`}>
        <div className="row small">
          <span className={`state ${s.status}`}>{s.status}</span>
          <span className="muted">
            replayed {plural(s.historyLength, 'message')} · {plural(s.callCount, 'call')} · r {reward(s.reward)}
          </span>
          {s.alerts.map((k, i) => (
            <span key={i} className="badge warn">
              {k}
            </span>
          ))}
        </div>
        {s.toolCalls.map((tc, i) => (
          <pre key={i} className="tool-call">
            {tc.name} {tc.arguments}
          </pre>
        ))}
      </div>
    ) : (
      <p className="muted">not run</p>
    );
  const message = (a ?? b)!.message;
  return (
    <section className="compare-turn" aria-label={`Turn ${index}`}>
      <h4>
        Turn {index} <span className="muted">{message.slice(0, 120)}</span>{' '}
        {a && b && (
          <span className={`badge ${sameText(a.reply, b.reply) ? 'ok' : 'warn'}`}>
            {sameText(a.reply, b.reply) ? 'same answer' : 'answers differ'}
          </span>
        )}{' '}
        {a && b && <PromptVerdict a={a} b={b} index={index} />}
      </h4>
      <div className="diff-sides">
        {side(a, 'a')}
        {side(b, 'b')}
      </div>
      {a && b && <TextDiff before={a.reply ?? ''} after={b.reply ?? ''} sideBySide labels={['Answer A', 'Answer B']} />}
      {a && b && a.prompt !== b.prompt && (
        <details open>
          <summary>The conversation the model saw (first upstream call, as logical messages)</summary>
          <TextDiff before={a.prompt} after={b.prompt} by="lines" />
        </details>
      )}
      {a && b && a.system !== b.system && (
        <details>
          <summary>
            {withoutGatewayPaths(a.system) === withoutGatewayPaths(b.system) ? (
              <span className="badge" title="OpenClaw names its workspace dir: each gateway has its own">
                system prompt differs only in the gateway's workspace path
              </span>
            ) : (
              <span className="badge warn">system prompt differs</span>
            )}
          </summary>
          <TextDiff before={a.system} after={b.system} by="lines" />
        </details>
      )}
    </section>
  );
}

/**
 * One verdict on what the model saw, conversation and system prompt together (two badges that could
 * disagree — a green "same prompt" beside "system prompt differs" — would each tell half the truth).
 */
function PromptVerdict({
  a,
  b,
  index,
}: {
  a: { prompt: string; system: string };
  b: { prompt: string; system: string };
  index: number;
}) {
  const system =
    a.system === b.system
      ? 'same'
      : withoutGatewayPaths(a.system) === withoutGatewayPaths(b.system)
        ? 'path'
        : 'differs';
  const [tone, text] =
    a.prompt !== b.prompt
      ? ['warn', system === 'differs' ? 'prompts differ (conversation and system prompt)' : 'prompts differ']
      : system === 'differs'
        ? ['warn', 'same conversation, system prompt differs']
        : system === 'path'
          ? ['ok', "same prompt but for the gateway's workspace path"]
          : ['ok', 'same prompt'];
  return (
    <span className={`badge ${tone}`} data-testid={`prompt-verdict-${index}`}>
      {text}
    </span>
  );
}
