// A turn's tool calls: what the model asked for, and what came back — the agent's result for each,
// a failed one marked as failed with the tool's own words, or that no result was fed back.
import type { TurnToolCall } from '../../../../shared/domain.ts';
import { pretty } from '../../format.ts';

function Outcome({ call }: { call: TurnToolCall }) {
  if (call.result === undefined)
    return <p className="muted small">Result not read: this turn was recorded before tool results were.</p>;
  if (call.result === null)
    return <p className="muted small">No result: the agent fed nothing back for this call within the turn.</p>;
  return (
    <>
      {call.error && (
        <p className="error-text" data-testid="tool-call-error">
          ✗ failed: {call.error}
        </p>
      )}
      <div className="muted small">result</div>
      <pre className={call.error ? 'tool-result failed' : 'tool-result'}>{pretty(call.result)}</pre>
    </>
  );
}

export function ToolCallsPane({ calls }: { calls: TurnToolCall[] }) {
  return (
    <section aria-label="Tool calls">
      {calls.length === 0 && <p className="muted">No tool call in this turn.</p>}
      {calls.map((c) => (
        <div key={`${c.index}-${c.id}`} className={c.error ? 'tool-call failed' : 'tool-call'} data-testid="tool-call">
          <strong>{c.name}</strong> <span className="muted small">{c.id}</span>{' '}
          {c.error ? (
            <span className="badge bad">error</span>
          ) : c.result ? (
            <span className="badge" title="a result came back; it does not say the tool failed">
              returned
            </span>
          ) : null}
          <div className="muted small">arguments</div>
          <pre>{pretty(c.arguments)}</pre>
          <Outcome call={c} />
        </div>
      ))}
    </section>
  );
}
