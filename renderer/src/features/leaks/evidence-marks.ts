// Which alerts a piece of recorded text is evidence of: the text and each alert's evidence compared
// as words (evidence is often normalized), so a rendered request or a diff line can carry the names.
import { useMemo } from 'react';
import type { Alert } from '../../../../shared/domain.ts';
import { matchText } from '../../find.ts';
import { kindLabel, useAlertKinds } from './alert-kinds.ts';

const MIN_MATCH = 8; // shorter texts ("[seen: 0]", a brace) would match evidence by chance

/** A function from a text to the labels of the alerts it is evidence of (empty: none). */
export function useEvidenceNames(alerts: Alert[]): (text: string) => string[] {
  const kinds = useAlertKinds();
  return useMemo(() => {
    const evidence = alerts
      .flatMap((a) => a.evidence.map((e) => ({ label: kindLabel(kinds, a.kind), text: matchText(e.text) })))
      .filter((e) => e.text.length > 0);
    // short texts only as a whole ("It is 4." replayed for a longer answer); longer ones also as parts
    const matches = (t: string, e: string) =>
      t === e || (t.length >= MIN_MATCH && e.length >= MIN_MATCH && (e.includes(t) || t.includes(e)));
    return (text: string) => {
      const t = matchText(text);
      if (!t) return [];
      return [...new Set(evidence.filter((e) => matches(t, e.text)).map((e) => e.label))];
    };
  }, [alerts, kinds]);
}
