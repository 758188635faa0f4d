// What a key does in the label view, decided from what is on screen (a pure function, so the rules
// are tested without a browser). A digit labels an unlabeled episode at once — the saved label shows
// on it until the labeler moves on with Enter or → — and only asks before replacing a saved label.
import { noPreset, presetFor } from './presets.ts';

export interface LabelScreen {
  scale: number[];
  /** The episode's saved human label (null: none yet; undefined: no episode, the queue's end). */
  saved: number | null | undefined;
  /** A value waiting for the labeler to confirm it replaces the saved one. */
  replacing: number | null;
  /** A value typed with `e`, not yet saved. */
  typed: number | null;
}

export type LabelAction =
  | { do: 'save'; value: number }
  | { do: 'confirm'; value: number }
  | { do: 'say'; text: string; error?: boolean }
  | { do: 'next' | 'prev' | 'cancel' | 'undo' | 'mode' }
  | { do: 'edit'; what: 'value' | 'note' };

/** A value to give the episode: saved at once when it has none, confirmed first when it replaces one. */
export function give(value: number, screen: LabelScreen): LabelAction {
  if (screen.saved === undefined) return { do: 'say', text: 'Nothing to label here: ← goes back, b browses labeled' };
  if (screen.saved === null) return { do: 'save', value };
  if (screen.saved === value) return { do: 'say', text: `Already labeled ${value}.` };
  return { do: 'confirm', value };
}

export function labelKey(key: string, screen: LabelScreen): LabelAction | null {
  const preset = presetFor(key, screen.scale);
  if (preset !== null) return give(preset, screen);
  const none = noPreset(key, screen.scale);
  if (none) return { do: 'say', text: none, error: true };
  switch (key) {
    case 'Enter':
      if (screen.replacing !== null) return { do: 'save', value: screen.replacing };
      if (screen.typed !== null) return give(screen.typed, screen);
      return { do: 'next' };
    case 'Escape':
      return screen.replacing !== null ? { do: 'cancel' } : null;
    case 'j':
    case 'ArrowRight':
      return { do: 'next' };
    case 'k':
    case 'ArrowLeft':
      return { do: 'prev' };
    case 'u':
      return { do: 'undo' };
    case 'b':
      return { do: 'mode' };
    case 'e':
      return screen.saved === undefined ? null : { do: 'edit', what: 'value' };
    case 'n':
      return screen.saved === undefined ? null : { do: 'edit', what: 'note' };
    default:
      return null;
  }
}
