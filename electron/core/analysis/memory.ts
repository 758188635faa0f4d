// What the detectors remember between calls: each session's fingerprints (what its episodes said,
// its static system prompt), every session's content for cross-session matching, and — for an
// analyzer reading a store that another connection writes (the worker's) — episode histories as
// learnt from finished turns. All of it is held to one budget in bytes, whatever the content: an
// RL run of thousands of episodes of distinct text keeps the engine's memory flat. Past the budget
// the least recently analyzed sessions are let go (rebuilt from the store, newest turns first, if
// they come back), then the oldest content of the sessions still kept.
import type { HistoryMessage } from '../../../shared/domain.ts';
import type { Store } from '../store/store.ts';
import type { TurnFacts } from './inputs.ts';
import { importedFrom } from '../../../shared/imported.ts';
import { ContentIndex, WORKBENCH_REALM } from './content-index.ts';
import { ENTRY_BYTES, SessionPrints } from './prints.ts';

/** The detectors' memory by default: well under the engine's heap, ample for the newest content. */
export const DEFAULT_ANALYSIS_BYTES = 256 * 1024 * 1024;
/** The analysis worker's heap cap: four times the budget leaves room for what a call briefly holds
 * (a parsed 100 KB prompt, its shingles) and for the store's statements. */
export const WORKER_HEAP_MB = (DEFAULT_ANALYSIS_BYTES * 4) / 1048576;
/** Sessions whose prints stay in memory at most, whatever their size (each call looks over them). */
const MAX_SESSIONS = 2048;
/** How many recent turns the cross-session index is rebuilt from after a restart. */
const REBUILD_TURNS = 20_000;
/** Learnt text costs about this many bytes of index per character (a shingle per word of ≈ 6.5). */
const BYTES_PER_CHAR = 12;
/** Sessions whose realm is remembered (looked up once each; the map is dropped past this). */
const MAX_REALMS_KNOWN = 100_000;

export class AnalyzerMemory {
  readonly #store: Store;
  readonly #ownHistories: boolean;
  /** Sessions' prints, least recently analyzed first. */
  readonly #sessions = new Map<string, SessionPrints>();
  /** Static system prompts of sessions whose prints were let go (cross-session matching needs them). */
  readonly #baselines = new Map<string, Set<number>>();
  #baselineEntries = 0;
  /** Every session's content, for cross-session matching; rebuilt from the store on first use. */
  #content: ContentIndex | null = null;
  /** Episode histories as learnt from finished turns: a prefix of the stored one, read again when short. */
  readonly #histories = new Map<string, { messages: HistoryMessage[]; chars: number }>();
  #historyChars = 0;
  /** Each session's realm, looked up once. */
  readonly #realms = new Map<string, string>();
  /** The budget, split: a quarter for the cross-session index, an eighth for histories, the rest for prints. */
  readonly #printBytes: number;
  readonly #historyCharsMax: number;
  readonly #contentEntries: number;

  /** `ownHistories`: keep histories here (a reader's store cannot: it never sees the writes). */
  constructor(store: Store, ownHistories: boolean, budgetBytes = DEFAULT_ANALYSIS_BYTES) {
    this.#store = store;
    this.#ownHistories = ownHistories;
    this.#printBytes = Math.floor(budgetBytes * 0.625);
    this.#historyCharsMax = Math.floor(budgetBytes / 8 / 2);
    this.#contentEntries = Math.floor(budgetBytes / 4 / ENTRY_BYTES);
  }

  /** What the detectors hold now, by the budget's count (for the benchmark and the tests). */
  get bytes(): number {
    let prints = 0;
    for (const p of this.#sessions.values()) prints += p.bytes;
    return (
      prints + this.#baselineEntries * ENTRY_BYTES + (this.#content?.size ?? 0) * ENTRY_BYTES + this.#historyChars * 2
    );
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
    const maxChars = this.#printBytes / 2 / BYTES_PER_CHAR;
    for (const t of this.#store.turns.learnable(sessionKey, maxChars)) p.learn(t, () => t.episodeIndex);
    const baseline = this.#baselines.get(sessionKey);
    if (baseline) {
      this.#baselines.delete(sessionKey);
      this.#baselineEntries -= baseline.size;
    }
    this.#sessions.set(sessionKey, p);
    this.#fit(p);
    return p;
  }

  /** Lets the least recently analyzed sessions go, then the oldest content of `keep`, until prints fit. */
  #fit(keep: SessionPrints): void {
    let total = this.#baselineEntries * ENTRY_BYTES;
    for (const p of this.#sessions.values()) total += p.bytes;
    for (const [key, p] of this.#sessions) {
      if ((total <= this.#printBytes && this.#sessions.size <= MAX_SESSIONS) || p === keep) break;
      total -= p.bytes;
      this.#sessions.delete(key);
      if (p.baseline) {
        this.#baselines.set(key, p.baseline);
        this.#baselineEntries += p.baseline.size;
        total += p.baseline.size * ENTRY_BYTES;
      }
    }
    for (const [key, b] of this.#baselines) {
      if (total <= this.#printBytes) break;
      this.#baselines.delete(key);
      this.#baselineEntries -= b.size;
      total -= b.size * ENTRY_BYTES;
    }
    if (total > this.#printBytes) keep.trim(keep.bytes - (total - this.#printBytes));
  }

  /** Another session's static system prompt, if known. */
  baselineOf(sessionKey: string): Set<number> | null {
    return this.#sessions.get(sessionKey)?.baseline ?? this.#baselines.get(sessionKey) ?? null;
  }

  contentIndex(): ContentIndex {
    if (!this.#content) {
      this.#content = new ContentIndex(this.#contentEntries);
      for (const t of this.#store.turns.recentOk(REBUILD_TURNS).reverse())
        this.#content.learn(t, this.realmOf(t.sessionKey));
    }
    return this.#content;
  }

  /** The workbench's own sessions are one realm; the sessions of one import are another. */
  realmOf(sessionKey: string): string {
    let realm = this.#realms.get(sessionKey);
    if (realm !== undefined) return realm;
    realm = WORKBENCH_REALM;
    if (this.#store.sessions.get(sessionKey)?.origin === 'imported') {
      const first = this.#store.episodes.list({ sessionKey, limit: 1 }).items[0];
      realm = `import:${importedFrom(first)?.batch ?? sessionKey}`;
    }
    if (this.#realms.size >= MAX_REALMS_KNOWN) this.#realms.clear();
    this.#realms.set(sessionKey, realm);
    return realm;
  }

  /** The first `limit` messages of an episode's history, as the DataProxy replayed them. */
  history(episodeId: string, limit: number): HistoryMessage[] {
    if (!this.#ownHistories) return this.#store.turns.history(episodeId, limit); // the store keeps its own
    let h = this.#histories.get(episodeId);
    if (!h || h.messages.length < limit) {
      // only the turn's own prefix: the store may already hold later turns (this reader can lag)
      const messages = this.#store.turns.storedHistory(episodeId, limit);
      this.#forgetHistory(episodeId);
      h = { messages, chars: messages.reduce((n, m) => n + m.content.length, 0) };
      this.#histories.set(episodeId, h);
      this.#historyChars += h.chars;
      this.#trimHistories(h);
    }
    return h.messages.slice(0, limit);
  }

  /** The least recently read histories go until they fit (never `keep`, the one in use). */
  #trimHistories(keep: { messages: HistoryMessage[] }): void {
    for (const [id, old] of this.#histories) {
      if (this.#historyChars <= this.#historyCharsMax || old === keep) break;
      this.#forgetHistory(id);
    }
  }

  #forgetHistory(episodeId: string): void {
    const h = this.#histories.get(episodeId);
    if (!h) return;
    this.#histories.delete(episodeId);
    this.#historyChars -= h.chars;
  }

  /** A turn that ended well: its content becomes what later episodes and sessions are checked against. */
  learn(t: TurnFacts, episodeIndex: () => number): void {
    // fingerprints are built lazily, from the store, on the session's first analyzed call
    const p = this.#sessions.get(t.sessionKey);
    if (p) {
      p.learn(t, episodeIndex);
      this.#fit(p);
    }
    this.#content?.learn(t, this.realmOf(t.sessionKey));
    // the turn's message and reply joined its episode's history right after what it replayed (an
    // inferred turn may have added one message per answer: read those from the store when needed)
    const h = this.#histories.get(t.episodeId);
    if (h && h.messages.length === t.historyLength && !t.inferred) {
      const added = [
        { role: 'user' as const, content: t.message },
        { role: 'assistant' as const, content: t.reply ?? '' },
      ];
      h.messages.push(...added);
      h.chars += t.message.length + (t.reply?.length ?? 0);
      this.#historyChars += t.message.length + (t.reply?.length ?? 0);
      this.#trimHistories(h);
    } else if (h) this.#forgetHistory(t.episodeId);
  }
}
