// A prompt diff on screen: inline, or side by side in labeled columns whose rows line up (what
// was removed beside what replaced it). Long unchanged context folds, one click unfolds it;
// leaked and repeated spans carry the alert's name. Recorded text renders only as text.
import { plural } from '../../format.ts';
import { useState } from 'react';
import type { DiffMode, DiffPart } from '../../prompt-diff.ts';

const FOLD_OVER = 12; // unchanged lines beyond which a stretch folds
const FOLD_KEEP = 3; // lines kept visible at each end of a folded stretch

interface Props {
  parts: DiffPart[];
  mode: DiffMode;
  /** The alert that names leaked or repeated spans, e.g. "history not reset". */
  spanName: string | null;
  sideBySide: boolean;
  labels: [string, string];
}

/** The class that colours a part: green only where the change is what should happen. */
function partClass(mode: DiffMode, kind: DiffPart['kind']): string {
  if (mode === 'nothing') return 'd-plain';
  if (kind === 'repeated') return 'd-leaked';
  if (mode === 'episode') return { same: 'd-leaked', added: 'd-plain', removed: 'd-removed' }[kind];
  return `d-${kind}`;
}

function Part({
  part,
  mode,
  spanName,
  index,
}: {
  part: DiffPart;
  mode: DiffMode;
  spanName: string | null;
  index: number;
}) {
  const [open, setOpen] = useState(false);
  const cls = part.name ? 'd-leaked' : partClass(mode, part.kind);
  const bad = cls === 'd-leaked';
  const title = bad
    ? (part.name ?? spanName ?? (part.kind === 'repeated' ? 'repeated message' : 'carried over'))
    : undefined;
  const lines = part.text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  // only context folds: what changed, leaked or repeated always shows whole
  if (cls !== 'd-same' || lines.length <= FOLD_OVER || open) {
    return (
      <span className={cls} title={title} data-part={index}>
        {bad && (
          <span className="d-tag" aria-hidden="true">
            {title}
          </span>
        )}
        {part.text}
      </span>
    );
  }
  const hidden = lines.length - 2 * FOLD_KEEP;
  return (
    <span className={cls} data-part={index}>
      {lines.slice(0, FOLD_KEEP).join('')}
      <button type="button" className="fold" data-testid="diff-fold" onClick={() => setOpen(true)}>
        ⋯ {plural(hidden, 'unchanged line')} — show
      </button>
      {'\n'}
      {lines.slice(-FOLD_KEEP).join('')}
    </span>
  );
}

/** Rows for side by side: a removal beside the addition that follows it, unchanged on both sides. */
function rows(parts: DiffPart[]): Array<{ left: DiffPart | null; right: DiffPart | null; key: number }> {
  const out: Array<{ left: DiffPart | null; right: DiffPart | null; key: number }> = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind === 'same') out.push({ left: p, right: p, key: i });
    else if (p.kind === 'removed') {
      const next = parts[i + 1];
      const paired = next && (next.kind === 'added' || next.kind === 'repeated');
      out.push({ left: p, right: paired ? next : null, key: i });
      if (paired) i++;
    } else out.push({ left: null, right: p, key: i });
  }
  return out;
}

export function PromptDiffBody({ parts, mode, spanName, sideBySide, labels }: Props) {
  if (!sideBySide)
    return (
      <pre className="diff-body">
        {parts.map((p, i) => (
          <Part key={i} part={p} mode={mode} spanName={spanName} index={i} />
        ))}
      </pre>
    );
  return (
    <div className="diff-grid" role="table" aria-label="Side by side">
      <div className="diff-col-head" role="columnheader">
        {labels[0]}
      </div>
      <div className="diff-col-head" role="columnheader">
        {labels[1]}
      </div>
      {rows(parts).map((r) => [
        <pre key={`${r.key}l`} className="diff-cell before">
          {r.left && <Part part={r.left} mode={mode} spanName={spanName} index={r.key} />}
        </pre>,
        <pre key={`${r.key}r`} className="diff-cell after">
          {r.right && <Part part={r.right} mode={mode} spanName={spanName} index={r.key} />}
        </pre>,
      ])}
    </div>
  );
}
