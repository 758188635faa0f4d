// Cross-session leakage: one session's content in another session's prompt — what sessions hosted
// as agents of one shared gateway must never see of each other (a shared workspace, transcript or
// memory would carry it). Every finished turn of every session (message, reply, tool-call
// arguments) is indexed by shingle; a prompt's content that is not the session's own — neither its
// replayed history and message nor anything its earlier episodes said — is matched against it,
// including the system prompt (a shared workspace file shows there from the session's first call).
// The same task sent to several sessions (a group) is each session's own message, never a match.
import type { AlertEvidence, Turn } from '../../../shared/domain.ts';
import { Shingles } from './fingerprint.ts';
import type { Finding } from './findings.ts';
import type { LearntTurn } from './prints.ts';

interface Source {
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
  readonly #realms = new Map<string, Map<number, Source>>();
  readonly #max: number;
  #size = 0;

  constructor(max = 1_000_000) {
    this.#max = max;
  }

  learn(t: LearntTurn & Pick<Turn, 'sessionKey'>, realm = WORKBENCH_REALM): void {
    const source: Source = { sessionKey: t.sessionKey, episodeId: t.episodeId, turnId: t.id };
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

  sourceOf(hash: number, realm = WORKBENCH_REALM): Source | undefined {
    return this.#realms.get(realm)?.get(hash);
  }
}

export interface CrossSessionInput {
  sessionKey: string;
  /** Its realm: only sessions of the same realm are compared. */
  realm: string;
  system: Shingles;
  /** Prior messages nobody replayed, shingled. */
  unexplained: Shingles[];
  /** What the session may see: its replayed history and message, and its own episodes' content. */
  isOwn(hash: number): boolean;
  /** Another session's static system prompt (never evidence: a reply may quote it). */
  baselineOf(sessionKey: string): Set<number> | null;
  scope: string;
}

export function crossSession(index: ContentIndex, x: CrossSessionInput): Finding[] {
  const bySession = new Map<string, { source: Source; hashes: Map<Shingles, number[]> }>();
  for (const c of [x.system, ...x.unexplained]) {
    for (const h of c.starts.keys()) {
      const source = index.sourceOf(h, x.realm);
      if (!source || source.sessionKey === x.sessionKey || x.isOwn(h)) continue;
      if (x.baselineOf(source.sessionKey)?.has(h)) continue;
      const hit = bySession.get(source.sessionKey) ?? { source, hashes: new Map() };
      hit.hashes.set(c, [...(hit.hashes.get(c) ?? []), h]);
      bySession.set(source.sessionKey, hit);
    }
  }
  const out: Finding[] = [];
  for (const [sessionKey, hit] of bySession) {
    const evidence: AlertEvidence[] = [];
    for (const [c, hashes] of hit.hashes) {
      const where = c === x.system ? 'in the system prompt' : 'in the messages';
      for (const span of c.spans(hashes))
        evidence.push({
          text: span,
          sourceEpisodeId: hit.source.episodeId,
          sourceTurnId: hit.source.turnId,
          detail: `${where}; said in session ${sessionKey}`,
        });
    }
    out.push({
      kind: 'cross_session',
      severity: 'error',
      message: `content of session ${sessionKey} reached session ${x.sessionKey}'s prompt`,
      evidence,
      dedupe: `xsession:${x.scope}:${sessionKey}`,
    });
  }
  return out;
}
