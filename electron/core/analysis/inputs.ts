// What the analysis takes in and gives out, as plain data (the worker receives and posts these):
// a recorded call's reference, a finished turn's facts, an alert to raise.
import type { AlertEvidence, AlertKind, Severity, Turn, UpstreamCall } from '../../../shared/domain.ts';

/** What the detectors need to know of a call besides its body. */
export type CallRef = Pick<UpstreamCall, 'id' | 'sessionKey' | 'episodeId' | 'turnId' | 'outsideTurn'>;

/** What the detectors learn from a finished turn. */
export type TurnFacts = Pick<
  Turn,
  'id' | 'sessionKey' | 'episodeId' | 'message' | 'reply' | 'toolCalls' | 'historyLength'
>;

export interface AlertInput {
  kind: AlertKind;
  severity: Severity;
  sessionKey: string | null;
  episodeId: string | null;
  turnId: string | null;
  callId: string | null;
  message: string;
  evidence: AlertEvidence[];
}
