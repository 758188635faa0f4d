// The leak detectors, run on every upstream call as it is recorded: double feed (a logical message
// twice, or prior content the DataProxy did not send), cross-episode leakage (an earlier episode's
// content in a later episode's prompt), cross-session leakage (another session's content), and
// the boundary invariants (history not reset at an episode's first turn, stale or foreign keys,
// calls outside any turn, system prompt drift, state files carried over). Each alert names its
// turn and call and carries the offending spans.
import { createHash } from 'node:crypto';
import type { Alert, AlertEvidence, AlertKind, Severity, Turn, UpstreamCall } from '../../../shared/domain.ts';
import { normalizeText, openclawSessionKey, parsePrompt } from '../../../shared/openclaw/prompt.ts';
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';
import type { EngineEvents } from '../events.ts';
import type { Store } from '../store/store.ts';
import { crossEpisode } from './cross-episode.ts';
import { crossSession } from './cross-session.ts';
import { systemPromptDrift } from './drift.ts';
import { MAX_EVIDENCE, type Finding } from './findings.ts';
import { AnalyzerMemory } from './memory.ts';
import type { SessionPrints } from './prints.ts';
import { doubleFeed, historyNotReset } from './repetition.ts';
import { historyRewritten } from './rewritten.ts';
import { capabilitiesOf } from '../../../shared/runtimes.ts';

export interface AlertInput {
  kind: AlertKind;
  severity: Severity;
  sessionKey: string | null;
  episodeId: string | null;
  turnId: string | null;
  callId: string | null;
  message: string;
  evidence: AlertEvidence[];
}

type Where = Pick<Alert, 'sessionKey' | 'episodeId' | 'turnId' | 'callId'>;

/** What the detectors learn from a finished turn. */
export type TurnFacts = Pick<
  Turn,
  'id' | 'sessionKey' | 'episodeId' | 'message' | 'reply' | 'toolCalls' | 'historyLength'
>;

/** What the detectors need to know of a call besides its body. */
export type CallRef = Pick<UpstreamCall, 'id' | 'sessionKey' | 'episodeId' | 'turnId' | 'outsideTurn'>;

/** Where a detector's finding goes when it is not stored here (the analysis worker posts it). */
export type AlertSink = (a: AlertInput, dedupe: string) => void;

/** Dedupe keys remembered (one per alert raised). */
const MAX_RAISED = 200_000;

export class LeakAnalyzer {
  private readonly store: Store;
  private readonly events: EngineEvents | null;
  private readonly sink: AlertSink | null;
  private readonly raised = new Set<string>();
  /** What earlier calls and turns said. */
  private readonly memory: AnalyzerMemory;

  /**
   * With `events`, alerts are stored and announced here and finished turns are learnt from the
   * events; with a sink (the analysis worker, reading the store without writing), findings go to
   * the sink and turns arrive through `learnTurn`.
   */
  constructor(store: Store, out: EngineEvents | AlertSink) {
    this.store = store;
    // a reader of a store another connection writes keeps the histories it learns (see memory.ts)
    this.memory = new AnalyzerMemory(store, typeof out === 'function');
    if (typeof out === 'function') {
      this.events = null;
      this.sink = out;
    } else {
      this.events = out;
      this.sink = null;
      out.on('turns:changed', (t) => t.status === 'ok' && this.learnTurn(t));
    }
  }

  /** Stores and announces an alert, once per `dedupe` key (or hands it to the sink). */
  raise(a: AlertInput, dedupe: string): Alert | null {
    if (this.raised.has(dedupe)) return null;
    this.raised.add(dedupe);
    if (this.raised.size > MAX_RAISED) this.raised.delete(this.raised.values().next().value!);
    const input = { ...a, evidence: a.evidence.slice(0, MAX_EVIDENCE) };
    if (this.sink) {
      this.sink(input, dedupe);
      return null;
    }
    const alert = this.store.alerts.insert(input);
    this.events!.emit('alerts:raised', alert);
    return alert;
  }

  private report(where: Where, f: Finding | null): Alert | null {
    return f
      ? this.raise({ ...where, kind: f.kind, severity: f.severity, message: f.message, evidence: f.evidence }, f.dedupe)
      : null;
  }

  /** Whether a session's calls come from an agent that is not ours (its turns are inferred). */
  private external(sessionKey: string): boolean {
    const runtime = this.store.sessions.get(sessionKey)?.runtime;
    return runtime !== undefined && capabilitiesOf(runtime).infersTurns;
  }

  private indexOf(episodeId: string): () => number {
    return () => this.store.episodes.get(episodeId)?.index ?? 0;
  }

  /** A turn that ended well: its content becomes what later episodes and sessions are checked against. */
  learnTurn(t: TurnFacts): void {
    this.memory.learn(t, this.indexOf(t.episodeId));
  }

  /**
   * A request identical to an earlier one of the episode that completed or is still in flight: a
   * client retry. One of the two will dangle as a retry orphan and split the trajectory (AReaL #1498).
   */
  private retry(p: SessionPrints, call: CallRef, messages: unknown[]): Finding | null {
    const key = createHash('sha1').update(JSON.stringify(messages)).digest('base64'); // bodies can be MBs
    const requests = p.requests(call.episodeId, this.indexOf(call.episodeId));
    const earlier = requests.get(key);
    requests.set(key, call.id);
    if (!earlier) p.requestAdded();
    if (!earlier) return null;
    const first = this.store.calls.get(earlier);
    if (!first || (first.outcome !== null && first.outcome !== 'complete')) return null; // a retry of a failure
    return {
      kind: 'retry_orphan',
      severity: 'warning',
      message: 'this request repeats an earlier one exactly (a client retry): one of the two answers is an orphan',
      evidence: [
        {
          text: `the same ${messages.length} message(s) as call ${earlier}`,
          sourceEpisodeId: call.episodeId,
          sourceTurnId: first.turnId,
          detail: 'export with drop_retry_orphans to keep only the answer the agent went on from',
        },
      ],
      dedupe: `retry:${call.id}`,
    };
  }

  /** A call with the key of an ended episode: the recorder refuses it (401) and says so here. */
  staleKey(episodeId: string, sessionKey: string): void {
    const ep = this.store.episodes.get(episodeId);
    const ended = ep?.endedAt ? new Date(ep.endedAt).toISOString() : '?';
    this.raise(
      {
        kind: 'stale_key',
        severity: 'error',
        sessionKey,
        episodeId,
        turnId: null,
        callId: null,
        message: `an upstream call used the key of episode ${ep?.index ?? '?'}, which has ended`,
        evidence: [
          {
            text: `key ${ep?.upstreamKey.slice(0, 14)}… of episode ${episodeId} (ended ${ended})`,
            sourceEpisodeId: episodeId,
          },
        ],
      },
      `stale:${episodeId}:${Date.now() >> 10}`,
    );
  }

  /** Runs every detector on one recorded call. */
  analyzeCall(call: CallRef, bodyBytes: Buffer): Alert[] {
    let body: ChatRequestBody;
    try {
      body = JSON.parse(bodyBytes.toString('utf8'));
    } catch {
      return [];
    }
    if (!Array.isArray(body.messages)) return [];
    const where: Where = {
      sessionKey: call.sessionKey,
      episodeId: call.episodeId,
      turnId: call.turnId,
      callId: call.id,
    };
    const out: Array<Alert | null> = [];
    const parsed = parsePrompt(body.messages);
    const p = this.memory.prints(call.sessionKey);
    const episodeIndex = p.episodeIndex(call.episodeId, this.indexOf(call.episodeId));

    if (call.outsideTurn) {
      out.push(
        this.report(where, {
          kind: 'background_call',
          severity: 'warning',
          message: 'an upstream call arrived while no turn of its session was in flight (background work)',
          evidence: [{ text: parsed.current?.text.slice(0, 500) ?? '(no user message)' }],
          dedupe: `bg:${call.id}`,
        }),
      );
    }
    // an external agent names its OpenClaw sessions its own way: only our runtime's keys are known
    for (const line of this.external(call.sessionKey) ? [] : parsed.runtimeLines) {
      const m = /session=agent:[^:|\s]+:([^|\s]+)/.exec(line);
      const own = openclawSessionKey(call.sessionKey).toLowerCase();
      if (!m || m[1] === own || m[1]!.startsWith(`${own}:`)) continue;
      out.push(
        this.report(where, {
          kind: 'key_mismatch',
          severity: 'error',
          message: `a call with session ${call.sessionKey}'s key came from OpenClaw session ${m[1]}`,
          evidence: [{ text: line }],
          dedupe: `mismatch:${call.id}`,
        }),
      );
    }

    const currentIndex = parsed.current ? parsed.logical.indexOf(parsed.current) : parsed.logical.length;
    const prior = parsed.logical
      .slice(0, currentIndex)
      .filter((m) => (m.role === 'user' || m.role === 'assistant') && normalizeText(m.text));
    const turn = call.turnId ? this.store.turns.get(call.turnId) : undefined;
    const history = turn ? this.memory.history(turn.episodeId, turn.historyLength) : [];
    if (turn) {
      const rewritten = historyRewritten(prior, history, turn);
      out.push(this.report(where, rewritten.finding));
      out.push(
        this.report(
          where,
          doubleFeed(
            prior.filter((m) => !rewritten.explained.has(m)),
            history,
            turn,
          ),
        ),
      );
      out.push(this.report(where, historyNotReset(prior, turn, episodeIndex)));
    }
    out.push(this.report(where, this.retry(p, call, body.messages)));

    const system = p.shingles(parsed.system);
    p.baseline ??= new Set(system.starts.keys());
    if (p.firstCall(call.episodeId, this.indexOf(call.episodeId))) {
      const previous = p.lastSystem;
      if (previous) {
        const drift = systemPromptDrift(previous, parsed.system, call.episodeId, episodeIndex);
        out.push(this.report(where, drift));
      }
      p.lastSystem = { episodeId: call.episodeId, system: parsed.system };
    }

    // A prior message equal to one the DataProxy replayed is the episode's own and is skipped whole.
    const current = turn?.message ?? parsed.current?.text ?? '';
    const replayed = new Set([...history.map((h) => normalizeText(h.content)), normalizeText(current)]);
    const unexplained = prior.filter((m) => !replayed.has(normalizeText(m.text)));
    const systemNew = [...system.starts.keys()].some((h) => !p.baseline!.has(h));
    const own = new Set<number>();
    for (const text of [...history.map((h) => h.content), current])
      for (const h of p.shingles(text).starts.keys()) own.add(h);
    const unexplainedShingles = unexplained.map((m) => p.shingles(m.text));
    if (unexplained.length > 0 || systemNew) {
      const findings = crossEpisode(p, {
        episodeId: call.episodeId,
        episodeIndex,
        system,
        unexplained: unexplainedShingles,
        own,
        scope: call.turnId ?? call.id,
      });
      for (const f of findings) out.push(this.report(where, f));
    }
    // another session's content: checked in the whole system prompt too (a shared workspace file
    // is there from the first call, so it is in the baseline)
    const findings = crossSession(this.memory.contentIndex(), {
      sessionKey: call.sessionKey,
      realm: this.memory.realmOf(call.sessionKey),
      system,
      unexplained: unexplainedShingles,
      isOwn: (h) => own.has(h) || p.ownerOf(h) !== undefined,
      baselineOf: (k) => this.memory.baselineOf(k),
      scope: call.turnId ?? call.id,
    });
    for (const f of findings) out.push(this.report(where, f));
    return out.filter((a): a is Alert => a !== null);
  }
}
