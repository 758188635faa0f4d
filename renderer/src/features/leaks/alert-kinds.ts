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
