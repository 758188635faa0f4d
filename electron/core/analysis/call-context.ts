// What the call detectors read of one recorded call: its parsed prompt, the turn it belongs to and
// what the DataProxy replayed into that turn, and the session's fingerprints. Everything is worked
// out once per call (lazily where only some detectors need it), so ten detectors cost one parse.
import type { HistoryMessage, Turn, UpstreamCall } from '../../../shared/domain.ts';
import { normalizeText, parsePrompt, type LogicalMessage, type ParsedPrompt } from '../../../shared/openclaw/prompt.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import type { Shingles } from './fingerprint.ts';
import type { CallRef } from './inputs.ts';
import type { AnalyzerMemory } from './memory.ts';
import type { SessionPrints } from './prints.ts';

/** What the context reads from the store, no more. */
export interface CallLookups {
  turn(id: string): Turn | undefined;
  call(id: string): UpstreamCall | undefined;
  /** An episode's index in its session (0 when unknown). */
  episodeIndex(episodeId: string): number;
  /** Whether a session's calls come from an agent that is not ours (its turns are inferred). */
  external(sessionKey: string): boolean;
}

export class CallContext {
  readonly call: CallRef;
  /** The request's messages as sent. */
  readonly messages: ChatMessage[];
  readonly parsed: ParsedPrompt;
  /** The session's fingerprints: what its earlier episodes said, its static system prompt. */
  readonly prints: SessionPrints;
  readonly memory: AnalyzerMemory;
  readonly lookups: CallLookups;
  readonly episodeIndex: number;
  /** The turn the call was made for; null for a call outside any turn. */
  readonly turn: Turn | null;
  /** What the DataProxy replayed into that turn (empty without a turn). */
  readonly history: HistoryMessage[];
  /** The user and assistant messages before the current one, as the model saw them. */
  readonly prior: LogicalMessage[];
  /** The system prompt, shingled. */
  readonly system: Shingles;
  readonly #memo = new Map<string, unknown>();

  constructor(call: CallRef, messages: ChatMessage[], memory: AnalyzerMemory, lookups: CallLookups) {
    this.call = call;
    this.messages = messages;
    this.memory = memory;
    this.lookups = lookups;
    this.parsed = parsePrompt(messages);
    this.prints = memory.prints(call.sessionKey);
    this.episodeIndex = this.prints.episodeIndex(call.episodeId, this.indexOf(call.episodeId));
    const current = this.parsed.current ? this.parsed.logical.indexOf(this.parsed.current) : this.parsed.logical.length;
    this.prior = this.parsed.logical
      .slice(0, current)
      .filter((m) => (m.role === 'user' || m.role === 'assistant') && normalizeText(m.text));
    this.turn = (call.turnId ? lookups.turn(call.turnId) : undefined) ?? null;
    this.history = this.turn ? memory.history(this.turn.episodeId, this.turn.historyLength) : [];
    this.system = this.prints.shingles(this.parsed.system);
    // the session's first system prompt is its static baseline: content there is nobody's leak
    this.prints.baseline ??= new Set(this.system.starts.keys());
  }

  /** Reads an episode's index when the fingerprints do not remember it. */
  indexOf(episodeId: string): () => number {
    return () => this.lookups.episodeIndex(episodeId);
  }

  /** Whether the session's calls come from an agent that is not ours. */
  get external(): boolean {
    return this.memo('external', () => this.lookups.external(this.call.sessionKey));
  }

  /** The message this call answers: the turn's, else the prompt's last user message. */
  get current(): string {
    return this.turn?.message ?? this.parsed.current?.text ?? '';
  }

  /** Shingles of the episode's own replayed history and current message. */
  get own(): Set<number> {
    return this.memo('own', () => {
      const own = new Set<number>();
      for (const text of [...this.history.map((h) => h.content), this.current])
        for (const h of this.prints.shingles(text).starts.keys()) own.add(h);
      return own;
    });
  }

  /** Prior messages the DataProxy did not replay (a message equal to a replayed one is skipped whole), shingled. */
  get unexplained(): Shingles[] {
    return this.memo('unexplained', () => {
      const replayed = new Set([...this.history.map((h) => normalizeText(h.content)), normalizeText(this.current)]);
      return this.prior.filter((m) => !replayed.has(normalizeText(m.text))).map((m) => this.prints.shingles(m.text));
    });
  }

  /** Where the dedupe keys of content findings are scoped: the turn, else the call. */
  get scope(): string {
    return this.call.turnId ?? this.call.id;
  }

  /** Work one detector does that another reuses (history-rewritten's explained messages, for double feed). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.#memo.has(key)) this.#memo.set(key, compute());
    return this.#memo.get(key) as T;
  }
}
