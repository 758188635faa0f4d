// One turn: the history exactly as replayed, every upstream call exactly as received, the diff
// against another turn, the tool calls, and the gateway logs written during the turn.
import { useEffect, useMemo, useState } from 'react';
import type { Alert, Episode, LogChunk, TurnDetail, UpstreamCall, UpstreamCallDetail } from '../../../../shared/domain.ts';
import { AlertCard } from '../leaks/AlertCard.tsx';
import { comparePrompts, duration, historyText, promptText, stripAnsi, tryJson, turnDuration } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { LongText } from '../../components/LongText.tsx';
import { CallView } from '../prompt/CallView.tsx';
import { parsePrompt } from '../../../../shared/openclaw/prompt.ts';
import type { ChatMessage } from '../../../../shared/wire/openai.ts';

type Tab = 'history' | 'calls' | 'diff' | 'tools' | 'logs';

const NO_EPISODES: Episode[] = [];

export function TurnView({ turnId }: { turnId: string }) {
  const store = useStoreApi();
  const [tab, setTab] = useState<Tab>('calls');
  const [turn, setTurn] = useState<TurnDetail | null>(null);
  const [calls, setCalls] = useState<UpstreamCall[]>([]);
  const live = useStore((s) => (turn ? s.turns[turn.episodeId]?.find((t) => t.id === turnId) : undefined));
  const callId = useStore((s) => s.route.callId);

  useEffect(() => {
    let stale = false;
    const api = store.getState().api;
    void Promise.all([api.invoke('turns:get', { turnId }), api.invoke('calls:list', { turnId })]).then(([t, c]) => {
      if (stale) return;
      setTurn(t);
      setCalls(c);
    }).catch((e: Error) => store.getState().setNotice(e.message, 'error'));
    const off = api.on('calls:recorded', (c) => c.turnId === turnId && setCalls((prev) => [...prev.filter((x) => x.id !== c.id), c].sort((a, b) => a.seq - b.seq)));
    return () => {
      stale = true;
      off();
    };
  }, [turnId, store, live?.status]);

  if (!turn) return <div className="empty">Loading turn…</div>;
  const t = live ? { ...turn, ...live } : turn;
  const tokens = calls.reduce((n, c) => n + Number((c.response?.usage as { total_tokens?: number } | null)?.total_tokens ?? 0), 0);
  const tabButton = (id: Tab, label: string) => (
    <button type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'tab active' : 'tab'} onClick={() => setTab(id)}>{label}</button>
  );
  return (
    <article className="turn-view" data-testid="turn-view">
      <header className="turn-head">
        <h3>Turn {t.index}</h3>
        <span className={`state ${t.status}`}>{t.status}</span>
        <span className="muted small">{turnDuration(t)} · {calls.length} upstream calls · {t.toolCalls.length} tool calls · {tokens} tokens</span>
        {t.error && <pre className="error-text">{t.error}</pre>}
      </header>
      <TurnAlerts turnId={t.id} />
      <div className="tabs" role="tablist">
        {tabButton('history', `Replayed history (${t.history.length})`)}
        {tabButton('calls', `Upstream calls (${calls.length})`)}
        {tabButton('diff', 'Diff')}
        {tabButton('tools', `Tool calls (${t.toolCalls.length})`)}
        {tabButton('logs', 'Logs during turn')}
      </div>
      {tab === 'history' && (
        <section aria-label="Replayed history" className="messages">
          {t.history.length === 0 && <p className="muted">Nothing replayed: this is the episode's first turn.</p>}
          {t.history.map((m, i) => <div key={i} className={`message ${m.role}`}><span className="role">{m.role}</span><LongText text={m.content} /></div>)}
          <div className="message user current"><span className="role">user (this turn)</span><LongText text={t.message} /></div>
          {t.reply !== null && <div className="message assistant"><span className="role">reply</span><LongText text={t.reply} /></div>}
        </section>
      )}
      {tab === 'calls' && (
        <section aria-label="Upstream calls">
          {calls.length === 0 && <p className="muted">No upstream call was recorded for this turn.</p>}
          {calls.map((c, i) => <CallView key={c.id} call={c} ordinal={i} initiallyOpen={c.id === callId || (i === 0 && !callId)} />)}
        </section>
      )}
      {tab === 'diff' && <DiffPane turn={t} calls={calls} />}
      {tab === 'tools' && (
        <section aria-label="Tool calls">
          {t.toolCalls.length === 0 && <p className="muted">No tool call in this turn.</p>}
          {t.toolCalls.map((c) => (
            <div key={`${c.index}-${c.id}`} className="tool-call">
              <strong>{c.name}</strong> <span className="muted small">{c.id}</span>
              <pre>{JSON.stringify(tryJson(c.arguments) ?? c.arguments, null, 2)}</pre>
            </div>
          ))}
        </section>
      )}
      {tab === 'logs' && <TurnLogs sessionKey={t.sessionKey} from={t.startedAt} to={t.endedAt ?? Date.now()} />}
    </article>
  );
}

const NO_ALERTS: Alert[] = [];

/** The leak alerts of this turn, with the offending spans and links to where they came from. */
function TurnAlerts({ turnId }: { turnId: string }) {
  const all = useStore((s) => s.alerts ?? NO_ALERTS);
  const alerts = useMemo(() => all.filter((a) => a.turnId === turnId), [all, turnId]);
  if (alerts.length === 0) return null;
  return <section className="turn-alerts" aria-label="Leak alerts">{alerts.map((a) => <AlertCard key={a.id} alert={a} />)}</section>;
}

function TurnLogs({ sessionKey, from, to }: { sessionKey: string; from: number; to: number }) {
  const store = useStoreApi();
  const [chunks, setChunks] = useState<LogChunk[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    setFailed(null);
    void store
      .getState()
      .api.invoke('logs:range', { sessionKey, from, to })
      .then(setChunks)
      .catch((e: Error) => setFailed(e.message));
  }, [sessionKey, from, to, store]);
  if (failed) return <p className="error-text">The logs of this turn could not be read: {failed}</p>;
  if (!chunks) return <p className="muted">Loading logs…</p>;
  if (chunks.length === 0) return <p className="muted">No gateway log lines between the turn's start and end ({duration(to - from)}).</p>;
  return <pre className="logs-text" aria-label="Logs during this turn">{stripAnsi(chunks.map((c) => c.text).join(''))}</pre>;
}

/** This turn's prompt against the previous turn's (a pure append is clean) or any turn picked. */
function DiffPane({ turn, calls }: { turn: TurnDetail; calls: UpstreamCall[] }) {
  const store = useStoreApi();
  const episodes = useStore((s) => s.episodes[turn.sessionKey] ?? NO_EPISODES);
  const turnsByEpisode = useStore((s) => s.turns);
  const candidates = useMemo(() => episodes.flatMap((e) => (turnsByEpisode[e.id] ?? []).map((t) => ({ id: t.id, label: `episode ${e.index} · turn ${t.index}` }))).filter((c) => c.id !== turn.id), [episodes, turnsByEpisode, turn.id]);
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
        .catch((err: Error) => store.getState().setNotice(`Loading turns of episode ${e.index} failed: ${err.message}`, 'error'));
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
    const promptOf = (c: UpstreamCallDetail | null) => {
      const body = c ? tryJson(c.requestBody) as { messages?: ChatMessage[] } | null : null;
      if (!body?.messages) return '';
      const parsed = parsePrompt(body.messages);
      return promptText([...(parsed.system ? [{ role: 'system', content: parsed.system }] : []), ...parsed.logical.map((m) => ({ role: m.role, content: m.text }))]);
    };
    void (async () => {
      const siblings = store.getState().turns[turn.episodeId] ?? [];
      const prev = otherId ?? siblings.find((t) => t.index === turn.index - 1)?.id ?? null;
      if (!prev) {
        const current = await firstCall(turn.id);
        if (!stale) setTexts({ before: '', after: promptOf(current) || historyText(turn.history), label: 'first turn of the episode (against nothing)' });
        return;
      }
      const [a, b] = await Promise.all([firstCall(prev), firstCall(turn.id)]);
      if (!stale) setTexts({ before: promptOf(a), after: promptOf(b), label: otherId ? 'against the chosen turn' : 'against the previous turn' });
    })().catch((e: Error) => store.getState().setNotice(e.message, 'error'));
    return () => {
      stale = true;
    };
  }, [turn, calls, otherId, store]);

  const diff = useMemo(() => (texts ? comparePrompts(texts.before, texts.after) : null), [texts]);
  return (
    <section aria-label="Diff" className="diff">
      <div className="row">
        <label>Compare with <select value={otherId ?? ''} onChange={(e) => setOtherId(e.target.value || null)}>
          <option value="">previous turn</option>
          {candidates.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
        </select></label>
        {diff && <span className={`badge ${diff.pureAppend ? 'ok' : 'warn'}`} data-testid="diff-verdict">{diff.pureAppend ? 'pure append' : 'changed: not a pure append'}</span>}
        {texts && <span className="muted small">{texts.label} · first upstream request of each turn, as logical messages</span>}
        <span className="spacer" />
        <label className="inline small"><input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} /> side by side</label>
      </div>
      {diff && !sideBySide && (
        <pre className="diff-body">{diff.parts.map((p, i) => <span key={i} className={`d-${p.kind}`}>{p.text}</span>)}</pre>
      )}
      {diff && sideBySide && (
        <div className="diff-sides">
          <pre className="diff-body" aria-label="Before">{diff.parts.filter((p) => p.kind !== 'added').map((p, i) => <span key={i} className={`d-${p.kind}`}>{p.text}</span>)}</pre>
          <pre className="diff-body" aria-label="After">{diff.parts.filter((p) => p.kind !== 'removed').map((p, i) => <span key={i} className={`d-${p.kind}`}>{p.text}</span>)}</pre>
        </div>
      )}
    </section>
  );
}
