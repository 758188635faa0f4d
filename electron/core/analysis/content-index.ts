// What every session said, by shingle: every finished turn of every session (message, reply,
// tool-call arguments), so the cross-session detector can tell whose content a prompt holds.
import type { Turn } from '../../../shared/domain.ts';
import { Shingles } from './fingerprint.ts';
import type { LearntTurn } from './prints.ts';

export interface ContentSource {
  sessionKey: string;
  episodeId: string;
  turnId: string;
}

/** The realm of the workbench's own sessions (live, external, lab). */
export const WORKBENCH_REALM = 'workbench';

/**
 * Shingle → the first turn that said it, per realm: the workbench's own sessions are one realm,
 * each import another (a copy of sessions is not a leak between them and their originals). The
 * oldest entries go first past `max`, counted over all realms.
 */
export class ContentIndex {
  readonly #realms = new Map<string, Map<number, ContentSource>>();
  readonly #max: number;
  #size = 0;

  constructor(max = 1_000_000) {
    this.#max = max;
  }

  learn(t: LearntTurn & Pick<Turn, 'sessionKey'>, realm = WORKBENCH_REALM): void {
    const source: ContentSource = { sessionKey: t.sessionKey, episodeId: t.episodeId, turnId: t.id };
    let owner = this.#realms.get(realm);
    if (!owner) this.#realms.set(realm, (owner = new Map()));
    for (const text of [t.message, t.reply ?? '', ...t.toolCalls.map((c) => c.arguments)]) {
      for (const h of new Shingles(text).starts.keys()) {
        if (owner.has(h)) continue;
        owner.set(h, source);
        this.#size++;
      }
    }
    if (this.#size > this.#max) this.#evict(this.#size - Math.floor(this.#max * 0.9));
  }

  #evict(drop: number): void {
    for (const [realm, owner] of this.#realms) {
      for (const h of owner.keys()) {
        if (drop <= 0) return;
        owner.delete(h);
        this.#size--;
        drop--;
      }
      if (owner.size === 0) this.#realms.delete(realm);
    }
  }

  get size(): number {
    return this.#size;
  }

  sourceOf(hash: number, realm = WORKBENCH_REALM): ContentSource | undefined {
    return this.#realms.get(realm)?.get(hash);
  }
}
