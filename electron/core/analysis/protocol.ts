// What the engine and its analysis worker say to each other (structured-cloned messages).
import type { UpstreamCall } from '../../../shared/domain.ts';
import type { ForeignFound } from './foreign.ts';
import type { AlertInput, CallRef, TurnFacts } from './inputs.ts';

/** What the worker starts with. */
export interface WorkerData {
  dataDir: string;
  /** Modules of the user's own detectors, loaded beside the built-in ones. */
  detectorModules: string[];
  /** The tokenizer setting (null: the bundled one), for decoding what the token checks show. */
  tokenizer: string | null;
}

export type ToWorker =
  | { type: 'call'; seq: number; call: CallRef; body: Uint8Array }
  | { type: 'turn'; seq: number; turn: TurnFacts }
  | { type: 'answered'; seq: number; call: UpstreamCall }
  | { type: 'tokenizer'; seq: number; source: string | null }
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
  /** Content of the batch's calls that nothing on this engine explains (foreign.ts). */
  foreign: ForeignFound[];
  /** A detector that threw: reported, never allowed to cost a recording. */
  error: string | null;
}
