// The proof of a prompt leak: what the DataProxy replayed into this turn (its history and message)
// against what reached the model (the turn's first upstream request, read as logical messages,
// the system prompt aside). A clean turn sends exactly what was replayed; anything else — a turn
// fed twice, an earlier episode's content, a rewritten answer — shows here line by line, each line
// that an alert of the turn names as evidence marked with that alert's name.
import { diffLines } from 'diff';
import { useEffect, useMemo, useState } from 'react';
import type { Alert, TurnDetail, UpstreamCall } from '../../../../shared/domain.ts';
import { logicalPromptText, promptText } from '../../../../shared/prompt-text.ts';
import type { DiffPart } from '../../prompt-diff.ts';
import { useStoreApi } from '../../store/use-store.ts';
import { useEvidenceNames } from '../leaks/evidence-marks.ts';
import { getCall } from './data.ts';
import { PromptDiffBody } from './PromptDiffBody.tsx';

export function SentPane({ turn, calls, alerts }: { turn: TurnDetail; calls: UpstreamCall[]; alerts: Alert[] }) {
  const store = useStoreApi();
  const namesOf = useEvidenceNames(alerts);
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
  const replayed = promptText([...turn.history, { role: 'user', content: turn.message }]);
  const parts = useMemo(
    () => (sent === null ? [] : named(diffLines(replayed, sent), namesOf)),
    [replayed, sent, namesOf],
  );
  if (!first) return <p className="muted">No upstream call was recorded for this turn.</p>;
  if (sent === null) return <p className="muted">Loading the request…</p>;
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
      <PromptDiffBody
        parts={parts}
        mode="turn"
        spanName={null}
        sideBySide={sideBySide}
        labels={['Replayed by the DataProxy', 'Sent to the model']}
      />
    </section>
  );
}

/** The diff as parts, each added line named by the alerts whose evidence it is (lines of one name merged). */
function named(changes: ReturnType<typeof diffLines>, namesOf: (text: string) => string[]): DiffPart[] {
  const out: DiffPart[] = [];
  const push = (p: DiffPart) => {
    const last = out.at(-1);
    if (last && last.kind === p.kind && last.name === p.name) last.text += p.text;
    else out.push(p);
  };
  for (const c of changes) {
    const kind = c.added ? 'added' : c.removed ? 'removed' : 'same';
    if (kind !== 'added') {
      push({ kind, text: c.value });
      continue;
    }
    for (const line of c.value.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
      const last = out.at(-1);
      if (!line.trim() && last?.kind === 'added') {
        last.text += line; // a blank line inside a message belongs to the span around it
        continue;
      }
      // what reached the model unreplayed is never the colour of what is fine: named by its alerts, or as such
      const names = namesOf(line);
      push({ kind, text: line, name: names.length ? names.join(' · ') : 'not replayed' });
    }
  }
  return out;
}
