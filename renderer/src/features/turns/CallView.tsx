// One upstream call exactly as received: rendered (system prompt, tools, messages with tool calls
// and results) or raw JSON, with the reassembled response and "copy as curl". The body loads
// only when the call is opened.
import { useEffect, useMemo, useState } from 'react';
import { CALL_OUTCOMES, type UpstreamCall, type UpstreamCallDetail } from '../../../../shared/domain.ts';
import { bytes, curlFor, duration, plural, pretty, tryJson } from '../../format.ts';
import { useStore, useStoreApi, useTurnAlerts } from '../../store/use-store.ts';
import { CopyLink } from '../../components/CopyLink.tsx';
import { LongText } from '../../components/LongText.tsx';
import { ForkPanel } from '../forks/ForkPanel.tsx';
import { TokenView } from '../tokens/TokenView.tsx';
import { JsonTree } from '../../components/JsonTree.tsx';
import { useEvidenceNames } from '../leaks/evidence-marks.ts';
import { RequestHeaders } from './RequestHeaders.tsx';
import { Composition } from './Composition.tsx';
import { getCall } from './data.ts';

interface Msg {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: string }) => p?.text ?? '').join('');
  return content === null || content === undefined ? '' : JSON.stringify(content);
}

export function CallView({
  call,
  ordinal,
  initiallyOpen,
}: {
  call: UpstreamCall;
  ordinal: number;
  initiallyOpen: boolean;
}) {
  const store = useStoreApi();
  const upstreamUrl = useStore((s) => s.info?.upstreamUrl ?? '');
  const forking = useStore((s) => s.route.callId === call.id && s.route.forkId !== null);
  // a token alert's link opens the call on its tokens
  const tokensLinked = useStore(
    (s) => s.route.callId === call.id && (s.route.tokenAt !== null || !!s.route.otherCallId),
  );
  const rawAsked = useStore((s) => s.rawCall === call.id);
  // the rendered request marks the messages the turn's alerts name as evidence
  const turnAlerts = useTurnAlerts(call.turnId ?? '');
  const namesOf = useEvidenceNames(turnAlerts);
  const [chosen, setOpen] = useState<boolean | null>(null);
  const open = chosen ?? (initiallyOpen || tokensLinked || rawAsked);
  const [mode, setMode] = useState<'rendered' | 'raw' | 'tokens' | null>(null);
  const shown = mode ?? (rawAsked ? 'raw' : tokensLinked ? 'tokens' : 'rendered');
  const raw = shown === 'raw';
  const [detail, setDetail] = useState<UpstreamCallDetail | null>(null);
  useEffect(() => {
    if (open && (!detail || detail.endedAt !== call.endedAt || (raw && detail.rawResponse === null && call.endedAt))) {
      void getCall(store, { callId: call.id, withRaw: raw })
        .then(setDetail)
        .catch((e: Error) => store.getState().setNotice(e.message, 'error'));
    }
  }, [open, raw, call.id, call.endedAt, detail, store]);
  // parsed once per request: the composition bar and the messages read it on every render
  const requestBody = detail?.requestBody;
  const body = useMemo(
    () =>
      requestBody === undefined
        ? null
        : (tryJson(requestBody) as {
            model?: string;
            messages?: Msg[];
            tools?: Array<{ function?: { name: string; description?: string } }>;
          } | null),
    [requestBody],
  );
  const r = call.response;
  const failed = call.outcome !== null && call.outcome !== 'complete';
  return (
    <div
      className={`call ${failed ? 'failed' : ''}`}
      data-testid="upstream-call"
      data-outcome={call.outcome ?? 'in-flight'}
    >
      <button type="button" className="call-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span>
          {open ? '▾' : '▸'} Call {ordinal + 1}
        </span>
        <span className="muted small">
          {call.status ?? '…'} · {bytes(call.requestBytes)} ·{' '}
          {call.endedAt ? duration(call.endedAt - call.startedAt) : 'in flight'}
          {call.outsideTurn ? ' · outside any turn' : ''}
        </span>
        {r?.toolCalls.length ? <span className="badge">{r.toolCalls.map((t) => t.name).join(', ')}</span> : null}
        {call.outcome === 'complete' && r && !(r.promptTokenIds && r.tokenIds) && (
          <span className="badge" title="The server returned no token ids for this call: its token checks are off">
            no token ids
          </span>
        )}
        {failed && (
          <span className="badge warn" title={`${CALL_OUTCOMES[call.outcome!]}: not training data`}>
            failed: {call.outcome}
          </span>
        )}
        {call.error && <span className="muted small">{call.error.slice(0, 80)}</span>}
      </button>
      {open && !detail && <p className="muted">Loading request…</p>}
      {open && detail && (
        <div className="call-body">
          <div className="row">
            {(['rendered', 'raw', 'tokens'] as const).map((m) => (
              <button
                key={m}
                type="button"
                className={shown === m ? 'tab active' : 'tab'}
                aria-pressed={shown === m}
                onClick={() => setMode(m)}
              >
                {m === 'rendered' ? 'Rendered' : m === 'raw' ? 'Raw JSON' : 'Tokens'}
              </button>
            ))}
            <span className="spacer" />
            <CopyLink
              to={{
                sessionKey: call.sessionKey,
                episodeId: call.episodeId,
                turnId: call.turnId,
                callId: call.id,
              }}
              what={`call #${call.seq}`}
            />
            <button
              type="button"
              title="Edit this request and send it again, to the same upstream or another (F)"
              onClick={() => store.getState().navigate({ callId: call.id, forkId: 'new' })}
            >
              Fork…
            </button>
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(
                  curlFor(`${upstreamUrl}/chat/completions`, detail.requestHeaders, detail.requestBody),
                )
              }
            >
              Copy as curl
            </button>
          </div>
          {forking && <ForkPanel original={detail} />}
          {shown === 'tokens' ? (
            <TokenView call={call} />
          ) : raw || !body?.messages ? (
            <>
              <RequestHeaders headers={detail.requestHeaders} />
              <h4>Request (as received)</h4>
              <JsonTree
                text={detail.requestBody}
                label="Request JSON"
                pretty={body ? pretty(detail.requestBody) : undefined}
              />
              <h4>Response (as relayed)</h4>
              {detail.rawResponse === null ? (
                <JsonTree text={JSON.stringify(r)} label="Response JSON" pretty={pretty(r)} />
              ) : (
                <JsonTree text={detail.rawResponse} label="Response JSON" />
              )}
            </>
          ) : (
            <>
              <Composition body={body} alerts={turnAlerts} />
              <p className="muted small">
                model {body.model ?? '–'} · {plural(body.tools?.length ?? 0, 'tool')} ·{' '}
                {plural(body.messages.length, 'message')}
              </p>
              {(body.tools?.length ?? 0) > 0 && (
                <details>
                  <summary>Tools ({body.tools!.length})</summary>
                  <ul>
                    {body.tools!.map((t, i) => (
                      <li key={i}>
                        <code>{t.function?.name}</code>{' '}
                        <span className="muted small">{t.function?.description?.slice(0, 200)}</span>
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              <div className="messages">
                {body.messages.map((m, i) =>
                  m.role === 'system' ? (
                    <details key={i} className="message system">
                      <summary>
                        <span className="role">system</span>{' '}
                        <span className="muted small">{bytes(text(m.content).length)}</span>
                      </summary>
                      <LongText text={text(m.content)} />
                    </details>
                  ) : (
                    <div
                      key={i}
                      className={`message ${m.role} ${namesOf(text(m.content)).length ? 'marked' : ''}`}
                      data-marked={namesOf(text(m.content)).join(' · ') || undefined}
                    >
                      <span className="role">
                        {m.role}
                        {m.tool_call_id ? ` → ${m.tool_call_id}` : ''}
                      </span>
                      {namesOf(text(m.content)).length > 0 && (
                        <span className="d-tag" title="this message is evidence of these alerts">
                          {namesOf(text(m.content)).join(' · ')}
                        </span>
                      )}
                      {text(m.content) && <LongText text={text(m.content)} />}
                      {m.tool_calls?.map((c) => (
                        <pre key={c.id} className="tool-call">
                          tool_call {c.function.name} ({c.id}){'\n'}
                          {pretty(c.function.arguments)}
                        </pre>
                      ))}
                    </div>
                  ),
                )}
              </div>
              <h4>Response</h4>
              <div className="message assistant">
                <span className="role">assistant · {r?.finishReason ?? '…'}</span>
                {r?.text && <LongText text={r.text} />}
                {r?.toolCalls.map((c) => (
                  <pre key={c.index} className="tool-call">
                    tool_call {c.name} ({c.id}){'\n'}
                    {pretty(c.arguments)}
                  </pre>
                ))}
                {r?.usage && <p className="muted small">usage {JSON.stringify(r.usage)}</p>}
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
