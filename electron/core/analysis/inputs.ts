// What the analysis takes in and gives out, as plain data (the worker receives and posts these):
// a recorded call's reference, a finished turn's facts, an alert to raise.
import type { Alert, Turn, UpstreamCall } from '../../../shared/domain.ts';

/** What the detectors need to know of a call besides its body. */
export type CallRef = Pick<UpstreamCall, 'id' | 'sessionKey' | 'episodeId' | 'turnId' | 'outsideTurn'>;

/** What the detectors learn from a finished turn. */
export type TurnFacts = Pick<
  Turn,
  'id' | 'sessionKey' | 'episodeId' | 'message' | 'reply' | 'toolCalls' | 'historyLength' | 'inferred'
>;

/** An alert before the store gives it its id and time. */
export type AlertInput = Omit<Alert, 'id' | 'createdAt'>;
