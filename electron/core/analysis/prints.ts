// What a session said, as shingle fingerprints, for cross-episode matching: one index per session,
// shingle → the most recent episode (and turn) that said it, oldest first. Plus the session's
// static system prompt (never evidence of a leak), the previous episode's system prompt (for
// drift) and each recent episode's requests (for retries). Every part is counted in bytes, so the
// memory that owns the prints (memory.ts) can hold all sessions to one budget: when it must, it
// lets a session's oldest shingles go first — the content least likely to leak into what comes next.
import type { Turn } from '../../../shared/domain.ts';
import { Shingles } from './fingerprint.ts';

/** Who said a shingle: one object per turn, shared by all its shingles. */
export interface ShingleSource {
  episodeId: string;
  index: number;
  turnId: string | null;
}

/** What of a finished turn is learnt. */
export type LearntTurn = Pick<Turn, 'id' | 'episodeId' | 'message' | 'reply' | 'toolCalls'>;

/**
 * What the budget counts per learnt shingle. A V8 Map entry from a 32-bit hash to a shared object
 * measured 37 bytes on Node 24 (keys over 2^30 are heap numbers of their own); a hash table doubles
 * as it grows, so up to twice that is counted.
 */
export const ENTRY_BYTES = 72;
/** Texts shingled once and reused (system prompts, replayed messages), in bytes; the oldest go first. */
const CACHE_BYTES = 8 * 1024 * 1024;
/** Recent episodes whose index and requests are kept (retries happen within an open episode). */
const RECENT_EPISODES = 64;

/** What a cached Shingles costs: its words (two bytes a character, a header each) and its hash map. */
function shinglesBytes(text: string, s: Shingles): number {
  return text.length * 2 + s.words.length * 24 + s.starts.size * ENTRY_BYTES;
}

export class SessionPrints {
  /** Shingle → the most recent episode that said it; insertion order is age (oldest first). */
  readonly #owner = new Map<number, ShingleSource>();
  /** Shingles of the gateway's static system prompt: never evidence of a leak. */
  baseline: Set<number> | null = null;
  /** The system prompt the newest episode started with, for drift between episodes. */
  lastSystem: { episodeId: string; system: string } | null = null;
  /** Recent episodes: their index, and their requests so far (message hashes → call id). */
  readonly #recent = new Map<string, { index: number; requests: Map<string, string>; started: boolean }>();
  readonly #cache = new Map<string, { shingles: Shingles; bytes: number }>();
  #cacheBytes = 0;
  #requestBytes = 0;

  /** What this session's prints take in memory, by the budget's count. */
  get bytes(): number {
    const system = this.lastSystem ? this.lastSystem.system.length * 2 : 0;
    return (
      this.#owner.size * ENTRY_BYTES +
      (this.baseline?.size ?? 0) * ENTRY_BYTES +
      this.#cacheBytes +
      this.#requestBytes +
      system
    );
  }

  /** The shingles learnt (for tests and the benchmark). */
  get learnt(): number {
    return this.#owner.size;
  }

  /** An episode's index (remembered for recent episodes; `index` reads it otherwise). */
  episodeIndex(episodeId: string, index: () => number): number {
    return this.recent(episodeId, index).index;
  }

  requests(episodeId: string, index: () => number): Map<string, string> {
    return this.recent(episodeId, index).requests;
  }

  /** True the first time it is asked for an episode (its first analyzed call: drift is checked then). */
  firstCall(episodeId: string, index: () => number): boolean {
    const e = this.recent(episodeId, index);
    if (e.started) return false;
    e.started = true;
    return true;
  }

  /** Counts a request remembered for retries (its hash and call id). */
  requestAdded(): void {
    this.#requestBytes += 128;
  }

  private recent(episodeId: string, index: () => number) {
    let e = this.#recent.get(episodeId);
    if (!e) {
      e = { index: index(), requests: new Map(), started: false };
      this.#recent.set(episodeId, e);
      if (this.#recent.size > RECENT_EPISODES) {
        const [oldId, old] = this.#recent.entries().next().value!;
        this.#recent.delete(oldId);
        this.#requestBytes -= old.requests.size * 128;
      }
    }
    return e;
  }

  /** The most recent earlier episode (and turn) that said this shingle, if it is still remembered. */
  ownerOf(hash: number): ShingleSource | undefined {
    return this.#owner.get(hash);
  }

  /** What a finished turn said joins the session's index, as its newest content. */
  learn(t: LearntTurn, episodeIndex: () => number): void {
    const source: ShingleSource = {
      episodeId: t.episodeId,
      index: this.episodeIndex(t.episodeId, episodeIndex),
      turnId: t.id,
    };
    for (const text of [t.message, t.reply ?? '', ...t.toolCalls.map((c) => c.arguments)]) {
      for (const h of new Shingles(text).starts.keys()) {
        this.#owner.delete(h); // said again: it moves to the newest end
        this.#owner.set(h, source);
      }
    }
  }

  /** Lets the oldest shingles go until the prints take at most `bytes`; returns how many went. */
  trim(bytes: number): number {
    let over = Math.ceil((this.bytes - bytes) / ENTRY_BYTES);
    let n = 0;
    for (const h of this.#owner.keys()) {
      if (over-- <= 0) break;
      this.#owner.delete(h);
      n++;
    }
    return n;
  }

  shingles(text: string): Shingles {
    const hit = this.#cache.get(text);
    if (hit) return hit.shingles;
    const shingles = new Shingles(text);
    const bytes = shinglesBytes(text, shingles);
    if (bytes > CACHE_BYTES / 4) return shingles; // a huge text is not worth keeping
    this.#cache.set(text, { shingles, bytes });
    this.#cacheBytes += bytes;
    for (const [key, old] of this.#cache) {
      if (this.#cacheBytes <= CACHE_BYTES) break;
      this.#cache.delete(key);
      this.#cacheBytes -= old.bytes;
    }
    return shingles;
  }
}
