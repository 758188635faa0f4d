// What the detectors remember between calls: each session's fingerprints (its episodes' content,
// its static system prompt), every session's content for cross-session matching, and — for an
// analyzer reading a store that another connection writes (the worker's) — episode histories as
// learnt from finished turns. Bounded for runs of a million calls: the least recently analyzed
// sessions are let go and rebuilt from the store if they come back.
import type { HistoryMessage } from '../../../shared/domain.ts';
import type { Store } from '../store/store.ts';
import type { TurnFacts } from './analyzer.ts';
import { ContentIndex } from './cross-session.ts';
import { SessionPrints } from './prints.ts';

/** Sessions whose fingerprints stay in memory (the most recently analyzed); others are rebuilt on demand. */
const MAX_SESSIONS = 2048;
/** How many recent turns the cross-session index is rebuilt from after a restart. */
const REBUILD_TURNS = 20_000;

export class AnalyzerMemory {
  readonly #store: Store;
  readonly #ownHistories: boolean;
  readonly #sessions = new Map<string, SessionPrints>();
  /** Static system prompts of sessions whose fingerprints were let go (cross-session matching needs them). */
  readonly #baselines = new Map<string, Set<number>>();
  /** Every session's content, for cross-session matching; rebuilt from the store on first use. */
  #content: ContentIndex | null = null;
  /** Episode histories as learnt from finished turns: a prefix of the stored one, read again when short. */
  readonly #histories = new Map<string, HistoryMessage[]>();

  /** `ownHistories`: keep histories here (a reader's store cannot: it never sees the writes). */
  constructor(store: Store, ownHistories: boolean) {
    this.#store = store;
    this.#ownHistories = ownHistories;
  }

  /** A session's fingerprints, rebuilt from the store the first time (after a restart, or once let go). */
  prints(sessionKey: string): SessionPrints {
    let p = this.#sessions.get(sessionKey);
    if (p) {
      // most recently analyzed last: a long run's idle sessions are the ones let go
      this.#sessions.delete(sessionKey);
      this.#sessions.set(sessionKey, p);
      return p;
    }
    p = new SessionPrints();
    this.#sessions.set(sessionKey, p);
    for (const t of this.#store.turns.learnable(sessionKey)) p.learn(t, () => t.episodeIndex);
    if (this.#sessions.size > MAX_SESSIONS) {
      const [oldKey, old] = this.#sessions.entries().next().value!;
      this.#sessions.delete(oldKey);
      if (old.baseline) this.#baselines.set(oldKey, old.baseline);
      if (this.#baselines.size > MAX_SESSIONS * 8) this.#baselines.delete(this.#baselines.keys().next().value!);
    }
    return p;
  }

  /** Another session's static system prompt, if known. */
  baselineOf(sessionKey: string): Set<number> | null {
    return this.#sessions.get(sessionKey)?.baseline ?? this.#baselines.get(sessionKey) ?? null;
  }

  contentIndex(): ContentIndex {
    if (!this.#content) {
      this.#content = new ContentIndex();
      for (const t of this.#store.turns.recentOk(REBUILD_TURNS).reverse()) this.#content.learn(t);
    }
    return this.#content;
  }

  /** The first `limit` messages of an episode's history, as the DataProxy replayed them. */
  history(episodeId: string, limit: number): HistoryMessage[] {
    if (!this.#ownHistories) return this.#store.turns.history(episodeId, limit); // the store keeps its own
    let h = this.#histories.get(episodeId);
    if (!h || h.length < limit) {
      // only the turn's own prefix: the store may already hold later turns (this reader can lag)
      h = this.#store.turns.storedHistory(episodeId, limit);
      if (this.#histories.size >= 4096) this.#histories.delete(this.#histories.keys().next().value!);
      this.#histories.set(episodeId, h);
    }
    return h.slice(0, limit);
  }

  /** A turn that ended well: its content becomes what later episodes and sessions are checked against. */
  learn(t: TurnFacts, episodeIndex: () => number): void {
    // fingerprints are built lazily, from the store, on the session's first analyzed call
    this.#sessions.get(t.sessionKey)?.learn(t, episodeIndex);
    this.#content?.learn(t);
    // the turn's message and reply joined its episode's history right after what it replayed
    const h = this.#histories.get(t.episodeId);
    if (h && h.length === t.historyLength)
      h.push({ role: 'user', content: t.message }, { role: 'assistant', content: t.reply ?? '' });
    else if (h) this.#histories.delete(t.episodeId);
  }
}
