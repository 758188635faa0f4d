// The editor of a fork: the recorded request as messages (system prompt, user and assistant
// messages, tool calls and tool results, each editable), tools and parameters as JSON, or the whole
// request as raw JSON — sent to the same upstream or another connection from Connections.
import { useState } from 'react';
import { tryJson } from '../../format.ts';
import { useUpstreams } from '../settings/use-upstreams.ts';
import { fromEdit, toEdit, type EditMsg, type Req } from './edit.ts';

export function ForkEditor({
  recorded,
  onSend,
}: {
  recorded: string;
  onSend: (request: Req | string, upstream: string | undefined) => Promise<void>;
}) {
  // the request edits are made to: the recorded one, or the raw text last switched from (its key order kept)
  const [base, setBase] = useState(() => (tryJson(recorded) as Req | null) ?? {});
  const { messages: baseMessages, tools: baseTools, ...baseParams } = base;
  const [raw, setRaw] = useState(false);
  const [rawText, setRawText] = useState(() => JSON.stringify(base, null, 2));
  const [msgs, setMsgs] = useState<EditMsg[]>(() =>
    (Array.isArray(baseMessages) ? baseMessages : []).map((m) => toEdit(m as Record<string, unknown>)),
  );
  const [tools, setTools] = useState(() => (baseTools ? JSON.stringify(baseTools, null, 2) : ''));
  const [params, setParams] = useState(() => JSON.stringify(baseParams, null, 2));
  const [upstream, setUpstream] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const upstreams = useUpstreams(setError);

  const switchMode = (toRaw: boolean) => {
    setError(null);
    try {
      if (toRaw) setRawText(JSON.stringify(fromEdit(msgs, tools, params, base), null, 2));
      else {
        const r = tryJson(rawText) as Req | null;
        if (!r || !Array.isArray(r.messages)) throw new Error('the raw request must be a JSON object with messages');
        const { messages, tools: t, ...p } = r;
        setBase(r);
        setMsgs(messages!.map((m) => toEdit(m as Record<string, unknown>)));
        setTools(t ? JSON.stringify(t, null, 2) : '');
        setParams(JSON.stringify(p, null, 2));
      }
      setRaw(toRaw);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const send = async () => {
    setError(null);
    let request: Req | string;
    try {
      request = raw ? rawText : fromEdit(msgs, tools, params, base);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    setBusy(true);
    try {
      await onSend(request, upstream || undefined);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const set = (i: number, patch: Partial<EditMsg>) => setMsgs(msgs.map((m, j) => (j === i ? { ...m, ...patch } : m)));

  return (
    <section
      className="fork-editor"
      aria-label="Fork editor"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void send();
        }
      }}
    >
      <div className="row">
        <button type="button" className={raw ? 'tab' : 'tab active'} onClick={() => switchMode(false)}>
          Messages
        </button>
        <button type="button" className={raw ? 'tab active' : 'tab'} onClick={() => switchMode(true)}>
          Raw JSON
        </button>
        <span className="spacer" />
        <label className="small">
          Send to{' '}
          <select aria-label="Upstream" value={upstream} onChange={(e) => setUpstream(e.target.value)}>
            <option value="">the episode's upstream (as recorded)</option>
            {upstreams.map((u) => (
              <option key={u.id} value={u.id}>
                {u.label}
                {u.current ? ' (current)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" disabled={busy} onClick={() => void send()}>
          {busy ? 'Sending…' : 'Send fork (Ctrl+Enter)'}
        </button>
      </div>
      {error && <p className="error-text">{error}</p>}
      {raw ? (
        <textarea
          className="code"
          aria-label="Raw request"
          rows={24}
          value={rawText}
          onChange={(e) => setRawText(e.target.value)}
        />
      ) : (
        <>
          {msgs.map((m, i) => (
            <div key={i} className={`message ${m.role} editable`} data-testid="fork-message">
              <div className="row">
                <select
                  aria-label={`Role of message ${i + 1}`}
                  value={m.role}
                  onChange={(e) => set(i, { role: e.target.value })}
                >
                  {['system', 'user', 'assistant', 'tool'].map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
                {m.role === 'tool' && (
                  <input
                    aria-label={`Tool call id of message ${i + 1}`}
                    value={m.toolCallId}
                    onChange={(e) => set(i, { toolCallId: e.target.value })}
                  />
                )}
                <span className="spacer" />
                <button type="button" className="ghost" onClick={() => setMsgs(msgs.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </div>
              <textarea
                aria-label={`Message ${i + 1}`}
                rows={Math.min(12, Math.max(2, m.content.split('\n').length))}
                value={m.content}
                onChange={(e) => set(i, { content: e.target.value })}
              />
              {(m.toolCalls || m.role === 'assistant') && (
                <textarea
                  className="code"
                  aria-label={`Tool calls of message ${i + 1}`}
                  placeholder="tool_calls (JSON), if any"
                  rows={m.toolCalls ? 6 : 1}
                  value={m.toolCalls}
                  onChange={(e) => set(i, { toolCalls: e.target.value })}
                />
              )}
            </div>
          ))}
          <button
            type="button"
            onClick={() => setMsgs([...msgs, { role: 'user', content: '', toolCalls: '', toolCallId: '', orig: null }])}
          >
            Add a message
          </button>
          <details>
            <summary>Tools (JSON)</summary>
            <textarea
              className="code"
              aria-label="Tools"
              rows={10}
              value={tools}
              onChange={(e) => setTools(e.target.value)}
            />
          </details>
          <details>
            <summary>Parameters (JSON: model, temperature, stream, …)</summary>
            <textarea
              className="code"
              aria-label="Parameters"
              rows={6}
              value={params}
              onChange={(e) => setParams(e.target.value)}
            />
          </details>
        </>
      )}
    </section>
  );
}
