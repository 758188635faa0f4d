// Forks of one recorded call: the editor for a new one, and each fork side by side with the
// original — answers diffed word by word, tool calls compared, and what the request changed.
import { useCallback, useEffect, useState } from 'react';
import type { UpstreamCall, UpstreamCallDetail } from '../../../../shared/domain.ts';
import { LongText } from '../../components/LongText.tsx';
import { sameText, TextDiff } from '../../components/TextDiff.tsx';
import { duration, pretty } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { ForkEditor } from './ForkEditor.tsx';
import { getCall } from '../turns/data.ts';
import { forkCall, listForks } from './data.ts';

export function ForkPanel({ original }: { original: UpstreamCallDetail }) {
  const store = useStoreApi();
  const forkId = useStore((s) => s.route.forkId);
  const [forks, setForks] = useState<UpstreamCall[]>([]);
  const reload = useCallback(
    () =>
      listForks(store, { callId: original.id })
        .then(setForks)
        .catch((e: Error) => store.getState().setNotice(`Loading the forks failed: ${e.message}`, 'error')),
    [store, original.id],
  );
  useEffect(() => void reload(), [reload]);
  const go = (id: string | null) => store.getState().navigate({ callId: original.id, forkId: id });
  const send = async (request: Record<string, unknown> | string, upstream: string | undefined) => {
    const fork = await forkCall(store, { callId: original.id, request, ...(upstream ? { upstream } : {}) });
    await reload();
    go(fork.id);
  };
  return (
    <section className="fork-panel" aria-label="Forks">
      <div className="row">
        <strong>Forks</strong>
        <button type="button" className={forkId === 'new' ? 'tab active' : 'tab'} onClick={() => go('new')}>
          New fork
        </button>
        {forks.map((f, i) => (
          <button
            type="button"
            key={f.id}
            className={forkId === f.id ? 'tab active' : 'tab'}
            onClick={() => go(f.id)}
            title={`sent to ${f.forkUpstream}`}
          >
            Fork {i + 1} · {f.outcome ?? 'in flight'}
          </button>
        ))}
        <span className="spacer" />
        <button type="button" className="ghost" onClick={() => go(null)} title="Close the forks (Esc)">
          ×
        </button>
      </div>
      {forkId === 'new' ? (
        <ForkEditor recorded={original.requestBody} onSend={send} />
      ) : forkId ? (
        <ForkComparison key={forkId} original={original} forkId={forkId} />
      ) : null}
    </section>
  );
}

function ForkComparison({ original, forkId }: { original: UpstreamCallDetail; forkId: string }) {
  const store = useStoreApi();
  const [fork, setFork] = useState<UpstreamCallDetail | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    void getCall(store, { callId: forkId })
      .then(setFork)
      .catch((e: Error) => setFailed(e.message));
  }, [store, forkId]);
  if (failed) return <p className="error-text">{failed}</p>;
  if (!fork) return <p className="muted">Loading the fork…</p>;
  const a = original.response;
  const b = fork.response;
  const calls = Math.max(a?.toolCalls.length ?? 0, b?.toolCalls.length ?? 0);
  const side = (c: UpstreamCallDetail, label: string) => (
    <div className="fork-side" data-testid={`fork-side-${label.toLowerCase()}`}>
      <h4>
        {label}{' '}
        <span className="muted small">
          {c.forkUpstream ? `sent to ${c.forkUpstream} · ` : ''}
          {c.status ?? '…'} · {c.outcome ?? 'in flight'} · {c.endedAt ? duration(c.endedAt - c.startedAt) : '…'}
        </span>
      </h4>
      {c.error && <p className="error-text">{c.error}</p>}
      <LongText text={c.response?.text ?? ''} />
      {c.response?.toolCalls.map((t) => (
        <pre key={t.index} className="tool-call">
          tool_call {t.name}
          {'\n'}
          {pretty(t.arguments)}
        </pre>
      ))}
    </div>
  );
  return (
    <div className="fork-compare">
      <div className="diff-sides">
        {side(original, 'Original')}
        {side(fork, 'Fork')}
      </div>
      <h4>
        Answers{' '}
        <span className={`badge ${sameText(a?.text, b?.text) ? 'ok' : 'warn'}`} data-testid="fork-answer-verdict">
          {sameText(a?.text, b?.text) ? 'same answer' : 'answers differ'}
        </span>
      </h4>
      <TextDiff before={a?.text ?? ''} after={b?.text ?? ''} />
      {calls > 0 && (
        <table className="tool-compare">
          <thead>
            <tr>
              <th>#</th>
              <th>Original</th>
              <th>Fork</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: calls }, (_, i) => {
              const x = a?.toolCalls[i];
              const y = b?.toolCalls[i];
              const same = x && y && x.name === y.name && sameText(x.arguments, y.arguments);
              return (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td>{x ? `${x.name} ${x.arguments}` : '–'}</td>
                  <td>{y ? `${y.name} ${y.arguments}` : '–'}</td>
                  <td className={same ? 'ok' : 'warn'}>{same ? 'same' : 'differs'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <details data-testid="fork-request-diff">
        <summary>What the request changed</summary>
        <TextDiff before={pretty(original.requestBody)} after={pretty(fork.requestBody)} by="lines" />
      </details>
    </div>
  );
}
