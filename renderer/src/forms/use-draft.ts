// A form field that keeps what the user typed. The saved value flows into the field while the
// user has not touched it; once they have, nothing in the background (a snapshot reloaded after
// a reconnect, a late first load, a save made in another window) replaces their text. A saved
// value that changes underneath an edit becomes `theirs`, for the user to settle.
import { useState } from 'react';

export interface Draft<T> {
  value: T;
  set(value: T): void;
  /** The user's text differs from the saved value. */
  touched: boolean;
  /** The saved value changed elsewhere while the user edited; null when it did not. */
  theirs: T | null;
  keepMine(): void;
  takeTheirs(): void;
}

interface State<T> {
  value: T;
  /** The saved value the edit started from. */
  base: T;
  touched: boolean;
}

export function useDraft<T>(saved: T, same: (a: T, b: T) => boolean = Object.is): Draft<T> {
  const [state, setState] = useState<State<T>>({ value: saved, base: saved, touched: false });
  // adjusting state while rendering (React's pattern for "a prop changed"): an untouched field
  // follows the saved value; an edit that now equals the saved value has nothing left to protect
  if (!state.touched && !same(state.value, saved)) setState({ value: saved, base: saved, touched: false });
  else if (state.touched && same(state.value, saved)) setState({ value: saved, base: saved, touched: false });
  const changedUnderneath = state.touched && !same(state.base, saved);
  return {
    value: state.value,
    touched: state.touched,
    theirs: changedUnderneath ? saved : null,
    set: (value) =>
      setState((s) => (s.touched ? { ...s, value } : { value, base: saved, touched: !same(value, saved) })),
    keepMine: () => setState((s) => ({ ...s, base: saved })),
    takeTheirs: () => setState({ value: saved, base: saved, touched: false }),
  };
}
