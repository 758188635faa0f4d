// What a leak detector is: what it reads (every recorded call, or one of the engine's signals from
// outside the prompt), the kinds of alert it may raise (each with the label the UI shows, its
// severity and a one-line fix), and a check that turns what it read into findings. Detectors hold
// no wiring: the registry (registry.ts) lists them, the analyzer runs them, stores and announces
// what they find, and the UI and docs/leaks.md learn the kinds from the registry.
import type { AlertEvidence, Episode, Severity, UpstreamCall } from '../../../shared/domain.ts';
import type { ChatTokenizer } from '../tokens/chat-tokenizer.ts';
import type { AnsweredRecord, RenderedRequest } from './answered.ts';
import type { CallContext } from './call-context.ts';

/** One kind of alert, as every view and docs/leaks.md say it. */
export interface KindInfo {
  /** Short, lower case: the badge on the alert card. */
  label: string;
  severity: Severity;
  /** What it means, one sentence. */
  means: string;
  /** What to do about it, one line. */
  fix: string;
}

/** What a check found: an alert to raise, and the key that keeps it from being raised twice. */
export interface Finding<K extends string = string> {
  kind: K;
  message: string;
  evidence: AlertEvidence[];
  /** Alerts with the same key are raised once (one per turn, per call, per episode …). */
  dedupe: string;
}

/** A workspace file found changed at an episode's start, as the gateway's snapshot saw it. */
export interface LeftFile {
  path: string;
  change: 'created' | 'modified';
  preview: string;
}

/** What detectors read: each recorded call, and signals the engine raises outside any prompt. */
export interface Signals {
  /** A recorded call, with what the analyzer knows of its session, episode and turn. */
  call: CallContext;
  /** A call came with the key of an episode that has ended (the recorder refused it with 401). */
  stale_key_use: { sessionKey: string; episodeId: string; episode: Episode | undefined };
  /** An episode started on a gateway whose workspace still holds what the previous episode wrote. */
  state_left: { sessionKey: string; episodeId: string; files: LeftFile[] };
  /**
   * A call was answered with token ids: its record, the episode's earlier answered calls (newest
   * first), what its request gave the model (messages, tools), and the configured tokenizer (null
   * where it cannot be loaded), loaded when first asked for.
   */
  call_answered: {
    call: UpstreamCall;
    record: AnsweredRecord;
    earlier: AnsweredRecord[];
    request: RenderedRequest;
    tokenizer: () => ChatTokenizer | null;
  };
}
export type SignalName = keyof Signals;
export const SIGNAL_NAMES = [
  'call',
  'stale_key_use',
  'state_left',
  'call_answered',
] as const satisfies readonly SignalName[];

export interface Detector<S extends SignalName = SignalName, K extends string = string> {
  /** Unique among the registered detectors (lower case, dashes). */
  id: string;
  reads: S;
  /** How it finds what it finds (docs/leaks.md's table). */
  how: string;
  /** Every kind it may raise; a finding of any other kind is a fault of the detector. */
  kinds: Record<K, KindInfo>;
  /** May keep state of its own; a throw is reported as the detector's fault and costs no other detector. */
  check(input: Signals[S]): Finding<K> | readonly Finding<K>[] | null;
}

/** Types a detector's kinds and findings from its own declaration. */
export function defineDetector<S extends SignalName, K extends string>(d: Detector<S, K>): Detector<S, K> {
  return d;
}

/** Evidence kept per alert, at most. */
export const MAX_EVIDENCE = 8;
