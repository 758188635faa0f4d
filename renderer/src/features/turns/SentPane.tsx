// The proof of a prompt leak: what the DataProxy replayed into this turn (its history and message)
// against what reached the model (the turn's first upstream request, read as logical messages,
// the system prompt aside). A clean turn sends exactly what was replayed; anything else — a turn
// fed twice, an earlier episode's content, a rewritten answer — shows here line by line.
import { useEffect, useState } from 'react';
import type { TurnDetail, UpstreamCall } from '../../../../shared/domain.ts';
import { logicalPromptText, promptText } from '../../../../shared/prompt-text.ts';
import { TextDiff } from '../../components/TextDiff.tsx';
import { useStoreApi } from '../../store/use-store.ts';
import { getCall } from './data.ts';

export function SentPane({ turn, calls }: { turn: TurnDetail; calls: UpstreamCall[] }) {
  const store = useStoreApi();
  const [sent, setSent] = useState<string | null>(null);
  const [sideBySide, setSideBySide] = useState(false);
  const first = calls[0]?.id;
  useEffect(() => {
    if (!first) return;
    let stale = false;
    void getCall(store, { callId: first })
      .then((c) => !stale && setSent(logicalPromptText(c.requestBody, { system: false })))
      .catch((e: Error) => store.getState().setNotice(e.message, 'error'));
    return () => {
      stale = true;
    };
  }, [first, store]);
  if (!first) return <p className="muted">No upstream call was recorded for this turn.</p>;
  if (sent === null) return <p className="muted">Loading the request…</p>;
  const replayed = promptText([...turn.history, { role: 'user', content: turn.message }]);
  const same = replayed === sent;
  return (
    <section aria-label="Replayed and sent" className="diff">
      <div className="row">
        <span className={`badge ${same ? 'ok' : 'warn'}`} data-testid="sent-verdict">
          {same ? 'the model saw exactly what was replayed' : 'the model saw something else than what was replayed'}
        </span>
        <span className="muted small">replayed history and message → first upstream request, as logical messages</span>
        <span className="spacer" />
        <label className="inline small">
          <input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} /> side by side
        </label>
      </div>
      <TextDiff
        before={replayed}
        after={sent}
        by="lines"
        sideBySide={sideBySide}
        labels={['Replayed by the DataProxy', 'Sent to the model']}
      />
    </section>
  );
}
