// The kinds of alert the engine's detectors raise, with their labels and fixes, as the engine's
// registry lists them (AppInfo.alertKinds): a detector added there shows here with no change.
import type { AlertKind, AlertKindInfo } from '../../../../shared/domain.ts';
import { useStore } from '../../store/use-store.ts';

const NONE: AlertKindInfo[] = [];

export function useAlertKinds(): AlertKindInfo[] {
  return useStore((s) => s.info?.alertKinds ?? NONE);
}

/** A kind's label; a kind the engine did not list (an older alert, an engine not loaded yet) reads as its name. */
export function kindLabel(kinds: readonly AlertKindInfo[], kind: AlertKind): string {
  return kinds.find((k) => k.kind === kind)?.label ?? kind.replaceAll('_', ' ');
}

export function useAlertKind(kind: AlertKind): AlertKindInfo | undefined {
  return useAlertKinds().find((k) => k.kind === kind);
}

// ten distinct colours readable on both themes; kinds take them in the registry's order
const PALETTE = [
  '#da3633',
  '#d29922',
  '#a371f7',
  '#2f81f7',
  '#3fb950',
  '#db61a2',
  '#8b949e',
  '#f0883e',
  '#39c5cf',
  '#e3b341',
];

/** A kind's colour in every picture (the map, the timeline, their legends): by its place in the registry. */
export function kindColour(kinds: readonly AlertKindInfo[], kind: AlertKind): string {
  return PALETTE[
    Math.max(
      0,
      kinds.findIndex((k) => k.kind === kind),
    ) % PALETTE.length
  ]!;
}
