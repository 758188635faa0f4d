// Says that a field's saved value changed elsewhere while the user edited it, and lets them pick.
import type { Draft } from './use-draft.ts';

export function DraftConflict<T>({ draft, show }: { draft: Draft<T>; show?: (v: T) => string }) {
  if (draft.theirs === null) return null;
  const text = show ? show(draft.theirs) : String(draft.theirs);
  return (
    <span className="draft-conflict small" role="status" data-testid="draft-conflict">
      saved value changed elsewhere{text ? ` (to ${text})` : ' (cleared)'} —{' '}
      <button type="button" className="link small" onClick={draft.keepMine}>
        keep mine
      </button>{' '}
      /{' '}
      <button type="button" className="link small" onClick={draft.takeTheirs}>
        take theirs
      </button>
    </span>
  );
}
