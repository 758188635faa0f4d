// The leak detectors, run on every upstream call as it is recorded: double feed (a logical message
// twice, or prior content the DataProxy did not send), cross-episode leakage (an earlier episode's
// content in a later episode's prompt), and the boundary invariants (history not reset at an
// episode's first turn, stale or foreign keys, calls outside any turn, system prompt drift, state
// files carried over). Each alert names its turn and call and carries the offending spans.
import type { Alert, AlertEvidence, AlertKind, Severity, Turn, UpstreamCall } from '../../../shared/domain.ts';
import { normalizeText, parsePrompt, type LogicalMessage } from '../../../shared/openclaw/prompt.ts';
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';
import type { EngineEvents } from '../events.ts';
import type { Store } from '../store/store.ts';
import { Shingles } from './fingerprint.ts';

interface EpisodePrint { index: number; shingles: Map<number, { turnId: string | null; text: string }> }

interface SessionPrints {
  episodes: Map<string, EpisodePrint>;
  /** Shingles of texts seen before (system prompts, replayed messages): each text is shingled once. */
  cache: Map<string, Shingles>;
  /** Shingles of the gateway's static system prompt: never evidence of a leak. */
  baseline: Set<number> | null;
  /** The system prompt each episode started with, for drift between episodes. */
  systemByEpisode: Map<string, string>;
}

const MAX_EVIDENCE = 8;

export class LeakAnalyzer {
  private readonly store: Store;
  private readonly events: EngineEvents;
  private readonly sessions = new Map<string, SessionPrints>();
  private readonly raised = new Set<string>();

  constructor(store: Store, events: EngineEvents) {
    this.store = store;
    this.events = events;
    events.on('turns:changed', (t) => t.status === 'ok' && this.learnTurn(t));
  }

  raise(a: { kind: AlertKind; severity: Severity; sessionKey: string | null; episodeId: string | null; turnId: string | null; callId: string | null; message: string; evidence: AlertEvidence[] }, dedupe: string): Alert | null {
    if (this.raised.has(dedupe)) return null;
    this.raised.add(dedupe);
    const alert = this.store.alerts.insert({ ...a, evidence: a.evidence.slice(0, MAX_EVIDENCE) });
    this.events.emit('alerts:raised', alert);
    return alert;
  }

  private prints(sessionKey: string): SessionPrints {
    let p = this.sessions.get(sessionKey);
    if (!p) {
      p = { episodes: new Map(), cache: new Map(), baseline: null, systemByEpisode: new Map() };
      this.sessions.set(sessionKey, p);
      // after a restart: rebuild what earlier episodes said from the store
      for (const ep of this.store.episodes.each({ sessionKey })) {
        for (const t of this.store.turns.list(ep.id)) if (t.status === 'ok') this.learnTurn(t, p);
      }
    }
    return p;
  }

  private episodePrint(p: SessionPrints, episodeId: string): EpisodePrint {
    let e = p.episodes.get(episodeId);
    if (!e) {
      e = { index: this.store.episodes.get(episodeId)?.index ?? 0, shingles: new Map() };
      p.episodes.set(episodeId, e);
    }
    return e;
  }

  /** What a finished turn said becomes its episode's fingerprint. */
  private learnTurn(t: Turn, prints?: SessionPrints): void {
    const p = prints ?? this.sessions.get(t.sessionKey);
    if (!p) return; // built lazily, from the store, on the session's first analyzed call
    const e = this.episodePrint(p, t.episodeId);
    for (const text of [t.message, t.reply ?? '', ...t.toolCalls.map((c) => c.arguments)]) {
      const s = new Shingles(text);
      for (const h of s.starts.keys()) if (!e.shingles.has(h)) e.shingles.set(h, { turnId: t.id, text: s.text(h) });
    }
  }

  /** A call with the key of an ended episode: the recorder refuses it (401) and says so here. */
  staleKey(episodeId: string, sessionKey: string): void {
    const ep = this.store.episodes.get(episodeId);
    this.raise({
      kind: 'stale_key', severity: 'error', sessionKey, episodeId, turnId: null, callId: null,
      message: `an upstream call used the key of episode ${ep?.index ?? '?'}, which has ended`,
      evidence: [{ text: `key ${ep?.upstreamKey.slice(0, 14)}… of episode ${episodeId} (ended ${ep?.endedAt ? new Date(ep.endedAt).toISOString() : '?'})`, sourceEpisodeId: episodeId }],
    }, `stale:${episodeId}:${Date.now() >> 10}`);
  }

  /** Runs every detector on one recorded call. */
  analyzeCall(call: UpstreamCall, bodyBytes: Buffer): Alert[] {
    let body: ChatRequestBody;
    try {
      body = JSON.parse(bodyBytes.toString('utf8'));
    } catch {
      return [];
    }
    if (!Array.isArray(body.messages)) return [];
    const out: Array<Alert | null> = [];
    const base = { sessionKey: call.sessionKey, episodeId: call.episodeId, turnId: call.turnId, callId: call.id };
    const parsed = parsePrompt(body.messages);
    const p = this.prints(call.sessionKey);
    const episode = this.episodePrint(p, call.episodeId);

    if (call.outsideTurn) {
      out.push(this.raise({ ...base, kind: 'background_call', severity: 'warning', message: 'an upstream call arrived while no turn of its session was in flight (background work)',
        evidence: [{ text: parsed.current?.text.slice(0, 500) ?? '(no user message)' }] }, `bg:${call.id}`));
    }

    for (const line of parsed.runtimeLines) {
      const m = /session=agent:[^:|\s]+:([^|\s]+)/.exec(line);
      const own = call.sessionKey.toLowerCase();
      if (m && m[1] !== own && !m[1]!.startsWith(`${own}:`)) {
        out.push(this.raise({ ...base, kind: 'key_mismatch', severity: 'error', message: `a call with session ${call.sessionKey}'s key came from OpenClaw session ${m[1]}`,
          evidence: [{ text: line }] }, `mismatch:${call.id}`));
      }
    }

    const currentIndex = parsed.current ? parsed.logical.indexOf(parsed.current) : parsed.logical.length;
    const prior = parsed.logical.slice(0, currentIndex).filter((m) => (m.role === 'user' || m.role === 'assistant') && normalizeText(m.text));
    const turn = call.turnId ? this.store.turns.get(call.turnId) : undefined;
    const history = turn ? this.store.turns.history(turn.episodeId, turn.historyLength) : [];
    if (turn) {
      out.push(...this.doubleFeed(base, prior, history, turn));
      if (turn.index === 0 && prior.some((m) => m.role === 'user')) {
        out.push(this.raise({ ...base, kind: 'history_not_reset', severity: 'error',
          message: `the first turn of episode ${episode.index} reached the model with ${prior.length} earlier messages`,
          evidence: prior.slice(0, MAX_EVIDENCE).map((m) => ({ text: `${m.role}: ${m.text.slice(0, 300)}` })) }, `reset:${turn.id}`));
      }
    }

    // cross-episode: the prompt's content that is not this episode's own, matched against earlier
    // episodes. A prior message equal to one the DataProxy replayed is the episode's own and is
    // skipped whole; only what is left (and the system prompt beyond its baseline) is shingled.
    const system = parsed.system;
    const systemShingles = this.cached(p, system);
    p.baseline ??= new Set(systemShingles.starts.keys());
    if (!p.systemByEpisode.has(call.episodeId)) {
      out.push(this.drift(base, p, system, episode.index));
      p.systemByEpisode.set(call.episodeId, system);
    }
    const current = turn?.message ?? parsed.current?.text ?? '';
    const replayed = new Set([...history.map((h) => normalizeText(h.content)), normalizeText(current)]);
    const unexplained = prior.filter((m) => !replayed.has(normalizeText(m.text)));
    const systemNew = [...systemShingles.starts.keys()].some((h) => !p.baseline!.has(h));
    if (unexplained.length === 0 && !systemNew) return out.filter((a): a is Alert => a !== null);
    const own = new Set<number>();
    for (const text of [...history.map((h) => h.content), current]) for (const h of this.cached(p, text).starts.keys()) own.add(h);
    const candidates: Shingles[] = [systemShingles, ...unexplained.map((m) => new Shingles(m.text))];
    const bySource = new Map<string, { turnId: string | null; hashes: Map<Shingles, number[]> }>();
    for (const [epId, ep] of p.episodes) {
      if (epId === call.episodeId || ep.index >= episode.index) continue;
      for (const c of candidates) {
        for (const h of c.starts.keys()) {
          if (own.has(h) || p.baseline.has(h)) continue;
          const hit = ep.shingles.get(h);
          if (!hit) continue;
          const src = bySource.get(epId) ?? { turnId: hit.turnId, hashes: new Map() };
          src.hashes.set(c, [...(src.hashes.get(c) ?? []), h]);
          bySource.set(epId, src);
        }
      }
    }
    for (const [epId, src] of bySource) {
      const evidence: AlertEvidence[] = [];
      for (const [c, hashes] of src.hashes) for (const span of c.spans(hashes)) evidence.push({ text: span, sourceEpisodeId: epId, sourceTurnId: src.turnId, detail: c === systemShingles ? 'in the system prompt' : 'in the messages' });
      out.push(this.raise({ ...base, kind: 'cross_episode', severity: 'error',
        message: `content of episode ${p.episodes.get(epId)!.index} reached episode ${episode.index}'s prompt`, evidence }, `cross:${call.turnId ?? call.id}:${epId}`));
    }
    return out.filter((a): a is Alert => a !== null);
  }

  private cached(p: SessionPrints, text: string): Shingles {
    let s = p.cache.get(text);
    if (!s) {
      s = new Shingles(text);
      if (p.cache.size > 4096) p.cache.delete(p.cache.keys().next().value!);
      p.cache.set(text, s);
    }
    return s;
  }

  /** A logical message present twice, or prior content the DataProxy did not replay. */
  private doubleFeed(base: Pick<Alert, 'sessionKey' | 'episodeId' | 'turnId' | 'callId'>, prior: LogicalMessage[], history: Array<{ role: string; content: string }>, turn: Turn): Array<Alert | null> {
    const key = (role: string, text: string) => `${role}\u0000${normalizeText(text)}`;
    const sent = new Map<string, number>();
    for (const h of history) sent.set(key(h.role, h.content), (sent.get(key(h.role, h.content)) ?? 0) + 1);
    const seen = new Map<string, LogicalMessage[]>();
    for (const m of prior) seen.set(key(m.role, m.text), [...(seen.get(key(m.role, m.text)) ?? []), m]);
    const evidence: AlertEvidence[] = [];
    for (const [k, list] of seen) {
      const allowed = sent.get(k) ?? 0;
      if (list.length <= allowed) continue;
      const m = list[0]!;
      evidence.push({
        text: `${m.role}: ${m.text.slice(0, 400)}`,
        detail: allowed === 0 ? `not replayed by the DataProxy, yet in the prompt ${list.length}×` : `replayed ${allowed}× by the DataProxy, in the prompt ${list.length}× (${list.map((x) => x.origin).join(' + ')})`,
      });
    }
    if (evidence.length === 0) return [];
    return [this.raise({ ...base, kind: 'double_feed', severity: 'error',
      message: `turn ${turn.index}'s prompt holds ${evidence.length} message(s) more often than the DataProxy replayed them`, evidence }, `double:${turn.id}`)];
  }

  private drift(base: Pick<Alert, 'sessionKey' | 'episodeId' | 'turnId' | 'callId'>, p: SessionPrints, system: string, index: number): Alert | null {
    const previous = [...p.systemByEpisode.entries()].at(-1);
    if (!previous) return null;
    const norm = (s: string) => s.split('\n').map((l) => normalizeText(l.replace(/^Runtime: agent=.*$/, ''))).filter(Boolean);
    const before = new Set(norm(previous[1]));
    const after = norm(system);
    const added = after.filter((l) => !before.has(l));
    const removed = [...before].filter((l) => !after.includes(l));
    if (added.length === 0 && removed.length === 0) return null;
    return this.raise({ ...base, kind: 'system_prompt_drift', severity: 'warning',
      message: `the system prompt of episode ${index} differs from the previous episode's (${added.length} lines added, ${removed.length} removed)`,
      evidence: [...added.map((l) => ({ text: `+ ${l}`, sourceEpisodeId: previous[0] })), ...removed.map((l) => ({ text: `- ${l}`, sourceEpisodeId: previous[0] }))] }, `drift:${base.episodeId}`);
  }
}
