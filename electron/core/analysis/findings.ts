// What a detector reports: an alert to raise, and the key that keeps it from being raised twice.
import type { AlertEvidence, AlertKind, Severity } from '../../../shared/domain.ts';

export interface Finding {
  kind: AlertKind;
  severity: Severity;
  message: string;
  evidence: AlertEvidence[];
  /** Alerts with the same key are raised once (one per turn, per call, per episode …). */
  dedupe: string;
}

export const MAX_EVIDENCE = 8;
