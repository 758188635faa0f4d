// What the engine and its analysis worker say to each other (structured-cloned messages).
import type { Turn, UpstreamCall } from '../../../shared/domain.ts';
import type { AlertInput } from './analyzer.ts';

export type ToWorker =
  | { type: 'call'; seq: number; call: UpstreamCall; body: Uint8Array }
  | { type: 'turn'; seq: number; turn: Turn }
  | { type: 'stop' };

/** What the engine posts: a batch of calls and turns in order, or the stop. */
export type Post = ToWorker[] | { type: 'stop' };

/** An alert the detectors raised, with the key that keeps it from being raised twice. */
export interface Finding {
  alert: AlertInput;
  dedupe: string;
}

/** The answer to a batch: every finding it made, and the last message it covered. */
export interface FromWorker {
  seq: number;
  findings: Finding[];
  /** A detector that threw: reported, never allowed to cost a recording. */
  error: string | null;
}
