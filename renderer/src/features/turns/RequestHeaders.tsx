// The request's headers as received, a credential shown only by its scheme and first characters
// (enough to tell which episode's key it was, not enough to use it).
import { redactHeader } from '../../format.ts';

export function RequestHeaders({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="muted small">No headers were recorded for this call.</p>;
  return (
    <details className="request-headers" data-testid="request-headers">
      <summary>Request headers ({entries.length})</summary>
      <table className="small">
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>
                <code>{redactHeader(k, v)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
