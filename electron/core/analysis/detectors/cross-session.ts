// Cross-session leakage: one session's content in another session's prompt — what sessions hosted
// as agents of one shared gateway must never see of each other (a shared workspace, transcript or
// memory would carry it). A prompt's content that is not the session's own — neither its replayed
// history and message nor anything its earlier episodes said — is matched against every session's
// content (content-index.ts), including the system prompt (a shared workspace file shows there from
// the session's first call). The same task sent to several sessions (a group) is each session's own
// message, never a match.
import type { AlertEvidence } from '../../../../shared/domain.ts';
import type { ContentIndex, ContentSource } from '../content-index.ts';
import { defineDetector, type Finding } from '../detector.ts';
import type { Shingles } from '../fingerprint.ts';

type CrossSessionKind = 'cross_session';

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

export function crossSession(index: ContentIndex, x: CrossSessionInput): Finding<CrossSessionKind>[] {
  const bySession = new Map<string, { source: ContentSource; hashes: Map<Shingles, number[]> }>();
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
  const out: Finding<CrossSessionKind>[] = [];
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
      message: `content of session ${sessionKey} reached session ${x.sessionKey}'s prompt`,
      evidence,
      dedupe: `xsession:${x.scope}:${sessionKey}`,
    });
  }
  return out;
}

export const crossSessionDetector = defineDetector({
  id: 'cross-session',
  reads: 'call',
  how:
    "every finished turn's fingerprint also goes into one index over all sessions (bounded, rebuilt from the newest " +
    "20,000 turns at start). A prompt's content that is not its own session's (not replayed, not the current " +
    'message, ' +
    "not the session's static system prompt) is matched against other sessions' turns; the alert names the source " +
    'session, episode and turn. It fires in either gateway mode: sessions of one external agent that carries its ' +
    'conversation from one trainer session to the next raise it too, rightly',
  kinds: {
    cross_session: {
      label: "another session's content",
      severity: 'error',
      means:
        "one session's content (its messages, replies, tool arguments, workspace files) is in another session's " +
        'prompt — on a shared gateway, a wall between agents that failed',
      fix: 'give each session its own workspace and transcript (isolation, or a gateway per session), then re-run',
    },
  },
  // checked in the whole system prompt too (a shared workspace file is there from the first call, so
  // it is in the baseline)
  check: (c) =>
    crossSession(c.memory.contentIndex(), {
      sessionKey: c.call.sessionKey,
      realm: c.memory.realmOf(c.call.sessionKey),
      system: c.system,
      unexplained: c.unexplained,
      isOwn: (h) => c.own.has(h) || c.prints.ownerOf(h) !== undefined,
      baselineOf: (k) => c.memory.baselineOf(k),
      scope: c.scope,
    }),
});
