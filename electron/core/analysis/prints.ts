// What each episode of a session said, as shingle fingerprints, for cross-episode matching; plus
// the session's static system prompt (never evidence of a leak) and each episode's first system
// prompt (for drift). One per session, built lazily from the store and kept current by turns.
import type { Turn } from '../../../shared/domain.ts';
import { Shingles } from './fingerprint.ts';

export interface EpisodePrint {
  index: number;
  shingles: Map<number, { turnId: string | null; text: string }>;
}

const CACHE_TEXTS = 4096;

/** What of a finished turn is learnt. */
export type LearntTurn = Pick<Turn, 'id' | 'episodeId' | 'message' | 'reply' | 'toolCalls'>;

export class SessionPrints {
  readonly episodes = new Map<string, EpisodePrint>();
  /** Shingles of the gateway's static system prompt: never evidence of a leak. */
  baseline: Set<number> | null = null;
  /** The system prompt each episode started with, in order, for drift between episodes. */
  readonly systemByEpisode = new Map<string, string>();
  /** Texts seen before (system prompts, replayed messages) are shingled once. */
  readonly #cache = new Map<string, Shingles>();
  /** Each episode's requests so far (their messages), for retries. */
  readonly #requests = new Map<string, Map<string, string>>();

  requests(episodeId: string): Map<string, string> {
    let m = this.#requests.get(episodeId);
    if (!m) this.#requests.set(episodeId, (m = new Map()));
    return m;
  }

  episode(episodeId: string, index: () => number): EpisodePrint {
    let e = this.episodes.get(episodeId);
    if (!e) {
      e = { index: index(), shingles: new Map() };
      this.episodes.set(episodeId, e);
    }
    return e;
  }

  /** What a finished turn said becomes its episode's fingerprint. */
  learn(t: LearntTurn, episodeIndex: () => number): void {
    const e = this.episode(t.episodeId, episodeIndex);
    for (const text of [t.message, t.reply ?? '', ...t.toolCalls.map((c) => c.arguments)]) {
      const s = new Shingles(text);
      for (const h of s.starts.keys()) if (!e.shingles.has(h)) e.shingles.set(h, { turnId: t.id, text: s.text(h) });
    }
  }

  shingles(text: string): Shingles {
    let s = this.#cache.get(text);
    if (!s) {
      s = new Shingles(text);
      if (this.#cache.size > CACHE_TEXTS) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(text, s);
    }
    return s;
  }
}
