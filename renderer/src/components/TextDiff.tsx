// Two texts diffed, by words (answers) or by lines (prompts, requests), inline or side by side.
// Recorded text only ever renders as text.
import { diffLines, diffWords } from 'diff';
import { useMemo } from 'react';

export function TextDiff({
  before,
  after,
  by = 'words',
  sideBySide = false,
  labels = ['Before', 'After'],
}: {
  before: string;
  after: string;
  by?: 'words' | 'lines';
  sideBySide?: boolean;
  labels?: [string, string];
}) {
  const parts = useMemo(
    () =>
      (by === 'words' ? diffWords(before, after) : diffLines(before, after)).map((c) => ({
        kind: c.added ? 'added' : c.removed ? 'removed' : 'same',
        text: c.value,
      })),
    [before, after, by],
  );
  const render = (keep: (kind: string) => boolean, label?: string) => (
    <pre className="diff-body" aria-label={label}>
      {parts
        .filter((p) => keep(p.kind))
        .map((p, i) => (
          <span key={i} className={`d-${p.kind}`}>
            {p.text}
          </span>
        ))}
    </pre>
  );
  if (!sideBySide) return render(() => true);
  return (
    <div className="diff-sides">
      {render((k) => k !== 'added', labels[0])}
      {render((k) => k !== 'removed', labels[1])}
    </div>
  );
}

/** Whether two texts are the same once surrounding whitespace is ignored. */
export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').trim() === (b ?? '').trim();
}
