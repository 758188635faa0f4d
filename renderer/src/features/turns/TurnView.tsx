// One turn: the history exactly as replayed, every upstream call exactly as received, the diff
// against another turn, the tool calls, and the gateway logs written during the turn.
import { useEffect, useState } from 'react';
import type { Alert, LogChunk, TurnDetail, UpstreamCall } from '../../../../shared/domain.ts';
import { LongText } from '../../components/LongText.tsx';
import { duration, plural, pretty, turnDuration } from '../../format.ts';
import { AnsiText } from '../../components/AnsiText.tsx';
import { CopyLink } from '../../components/CopyLink.tsx';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import type { TurnTab } from '../../store/route.ts';
import { useStore, useStoreApi, useTurnAlerts } from '../../store/use-store.ts';
import { AlertStrip } from '../leaks/AlertStrip.tsx';
import { CallView } from './CallView.tsx';
import { DiffPane } from './DiffPane.tsx';
import { ToolCallsPane } from './ToolCallsPane.tsx';
import { ToolErrorBadge } from '../../components/ToolErrorBadge.tsx';
import { SentPane } from './SentPane.tsx';
import { Waterfall } from './Waterfall.tsx';
import { getTurn, listAlerts, listCalls, logsBetween } from './data.ts';

const NO_CALLS: UpstreamCall[] = [];

export function TurnView({ turnId }: { turnId: string }) {
  const store = useStoreApi();
  const alerts = useTurnAlerts(turnId);
  const callId = useStore((s) => s.route.callId);
  const tokenAt = useStore((s) => s.route.tokenAt);
  // the tab is part of the address, so a proof diff can be linked to; with no tab named, a turn with
  // prompt alerts opens on their proof (what was replayed against what was sent), others (and a link
  // to a call's tokens) on the calls
  const tab: TurnTab =
    useStore((s) => s.route.tab) ?? (tokenAt == null && alerts.some(isPromptAlert) ? 'sent' : 'calls');
  const setTab = (t: TurnTab) => store.getState().navigate({ tab: t });
  const find = useStore((s) => (s.find?.turnId === turnId ? s.find.text : null));
  const routeTab = useStore((s) => s.route.tab);
  // a turn whose alerts are all token alerts opens on their proof: the call's tokens at the position
  const tokenProof = alerts.length > 0 && !alerts.some(isPromptAlert) ? alerts[0] : undefined;
  useEffect(() => {
    if (!tokenProof?.callId || routeTab || callId || tokenAt != null) return;
    const e = tokenProof.evidence.find((x) => x.tokenPosition !== undefined)!;
    store
      .getState()
      .navigate({ callId: tokenProof.callId, tokenAt: e.tokenPosition!, otherCallId: e.sourceCallId ?? null });
  }, [tokenProof, routeTab, callId, tokenAt, store]);
  const [turn, setTurn] = useState<TurnDetail | null>(null);
  const calls = useStore((s) => s.calls[turnId] ?? NO_CALLS);
  const live = useStore((s) => (turn ? s.turns[turn.episodeId]?.find((t) => t.id === turnId) : undefined));

  useEffect(() => {
    let stale = false;
    // the calls and alerts live in the store, which follows calls:recorded and alerts:raised; the
    // turn's replayed history is fetched here, and its alerts too (older ones may be in no page loaded)
    void Promise.all([
      getTurn(store, { turnId }),
      listCalls(store, { turnId }),
      listAlerts(store, { turnId, limit: 1000 }),
    ])
      .then(([t, c, a]) => {
        if (stale) return;
        setTurn(t);
        store.getState().setCalls(turnId, c);
        store.getState().mergeAlerts(a.items);
      })
      .catch((e: Error) => store.getState().setNotice(e.message, 'error'));
    return () => {
      stale = true;
    };
  }, [turnId, store, live?.status]);

  if (!turn) return <div className="empty">Loading turn…</div>;
  const t = live ? { ...turn, ...live } : turn;
  const tokens = calls.reduce(
    (n, c) => n + Number((c.response?.usage as { total_tokens?: number } | null)?.total_tokens ?? 0),
    0,
  );
  const tabButton = (id: TurnTab, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      className={tab === id ? 'tab active' : 'tab'}
      onClick={() => setTab(id)}
    >
      {label}
    </button>
  );
  return (
    <article className="turn-view" data-testid="turn-view">
      <header className="turn-head">
        <h3>Turn {t.index}</h3>
        <span className={`state ${t.status}`}>{t.status}</span>
        <ToolErrorBadge count={t.toolErrors} />
        {t.inferred && (
          <span className="badge" title="inferred from the agent's calls: a new user message started it">
            inferred
          </span>
        )}
        <CopyLink
          to={{ sessionKey: t.sessionKey, episodeId: t.episodeId, turnId: t.id, tab: tab === 'calls' ? null : tab }}
          what={`turn ${t.index}`}
        />
        <span className="muted small">
          {turnDuration(t)} · {plural(calls.length, 'upstream call')} · {plural(t.toolCalls.length, 'tool call')} ·{' '}
          {plural(tokens, 'token')}
        </span>
        {t.error && <pre className="error-text">{t.error}</pre>}
        {Object.keys(t.metadata).length > 0 && (
          <details className="turn-fields">
            <summary className="muted small">Sent with the turn ({Object.keys(t.metadata).join(', ')})</summary>
            <pre>{pretty(t.metadata)}</pre>
          </details>
        )}
      </header>
      <AlertStrip alerts={alerts} />
      <div className="tabs" role="tablist">
        {tabButton('history', `Replayed history (${t.history.length})`)}
        {tabButton('calls', `Upstream calls (${calls.length})`)}
        {tabButton('sent', 'Replayed → sent')}
        {tabButton('diff', 'Diff')}
        {tabButton('tools', `Tool calls (${t.toolCalls.length})`)}
        {tabButton('timeline', 'Timeline')}
        {tabButton('logs', 'Logs during turn')}
      </div>
      {tab === 'history' && (
        <section aria-label="Replayed history" className="messages">
          {find && (
            <p className="muted small" data-testid="find-note">
              Marked below: what an alert found in a later prompt, where it was first said.
            </p>
          )}
          {t.history.length === 0 && <p className="muted">Nothing replayed: this is the episode's first turn.</p>}
          {t.history.map((m, i) => (
            <div key={i} className={`message ${m.role}`}>
              <span className="role">{m.role}</span>
              <LongText text={m.content} />
            </div>
          ))}
          <div className="message user current">
            <span className="role">user (this turn)</span>
            <LongText text={t.message} find={find} />
          </div>
          {t.reply !== null && (
            <div className="message assistant">
              <span className="role">reply</span>
              <LongText text={t.reply} find={find} />
            </div>
          )}
        </section>
      )}
      {tab === 'calls' && (
        <section aria-label="Upstream calls">
          {calls.length === 0 && <p className="muted">No upstream call was recorded for this turn.</p>}
          {calls.map((c, i) => (
            <ErrorBoundary key={c.id} what={`Call ${i + 1}`}>
              <CallView call={c} ordinal={i} initiallyOpen={c.id === callId || (i === 0 && !callId)} />
            </ErrorBoundary>
          ))}
        </section>
      )}
      {tab === 'sent' && <SentPane turn={t} calls={calls} alerts={alerts} />}
      {tab === 'diff' && <DiffPane turn={t} calls={calls} />}
      {tab === 'tools' && <ToolCallsPane calls={t.toolCalls} />}
      {tab === 'timeline' && <TurnTimeline turn={t} calls={calls} />}
      {tab === 'logs' && <TurnLogs sessionKey={t.sessionKey} from={t.startedAt} to={t.endedAt ?? Date.now()} />}
    </article>
  );
}

/** An alert whose proof is the prompt (a token alert's proof is the call's token view). */
function isPromptAlert(a: Alert): boolean {
  return !a.evidence.some((e) => e.tokenPosition !== undefined);
}

function TurnLogs({ sessionKey, from, to }: { sessionKey: string; from: number; to: number }) {
  const store = useStoreApi();
  const [chunks, setChunks] = useState<LogChunk[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    setFailed(null);
    void logsBetween(store, { sessionKey, from, to })
      .then(setChunks)
      .catch((e: Error) => setFailed(e.message));
  }, [sessionKey, from, to, store]);
  if (failed) return <p className="error-text">The logs of this turn could not be read: {failed}</p>;
  if (!chunks) return <p className="muted">Loading logs…</p>;
  if (chunks.length === 0)
    return <p className="muted">No gateway log lines between the turn's start and end ({duration(to - from)}).</p>;
  return <AnsiText text={chunks.map((c) => c.text).join('')} label="Logs during this turn" />;
}

/** The turn's waterfall, with the gateway log lines written while it ran (read again as it goes on). */
function TurnTimeline({ turn, calls }: { turn: TurnDetail; calls: UpstreamCall[] }) {
  const store = useStoreApi();
  const [logs, setLogs] = useState<LogChunk[]>([]);
  const [failed, setFailed] = useState<string | null>(null);
  const to = turn.endedAt;
  useEffect(() => {
    let stale = false;
    void logsBetween(store, { sessionKey: turn.sessionKey, from: turn.startedAt, to: to ?? Date.now() })
      .then((l) => !stale && (setLogs(l), setFailed(null)))
      .catch((e: Error) => !stale && setFailed(e.message));
    return () => {
      stale = true;
    };
  }, [store, turn.sessionKey, turn.startedAt, to, calls.length]);
  return (
    <>
      {failed && <p className="error-text">The gateway log lines of this turn could not be read: {failed}</p>}
      <Waterfall turn={turn} calls={calls} logs={logs} />
    </>
  );
}
