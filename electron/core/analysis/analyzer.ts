// Runs the registered leak detectors (registry.ts) on every upstream call as it is recorded and on
// the engine's signals (a stale key used, workspace state left behind), and raises what they find:
// each alert names its turn and call and carries the offending spans, once per dedupe key. A
// detector that throws, or raises a kind it did not declare, is reported and costs no other one.
import type { Alert, UpstreamCall } from '../../../shared/domain.ts';
import { loadTokenizer, type ChatTokenizer } from '../tokens/chat-tokenizer.ts';
import { tokenizerFor, type TokenizerSettings } from '../tokens/tokenizer-for.ts';
import { AnsweredCalls } from './answered.ts';
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';
import { capabilitiesOf } from '../../../shared/runtimes.ts';
import type { EngineEvents } from '../events.ts';
import type { Store } from '../store/store.ts';
import { CallContext, type CallLookups } from './call-context.ts';
import { MAX_EVIDENCE, type Detector, type Finding, type SignalName, type Signals } from './detector.ts';
import { foreignOf, type ForeignFound } from './foreign.ts';
import { AnalyzerMemory } from './memory.ts';
import { DetectorRegistry } from './registry.ts';

import type { AlertInput, CallRef, TurnFacts } from './inputs.ts';

export type { AlertInput, CallRef, TurnFacts } from './inputs.ts';

type Where = Pick<Alert, 'sessionKey' | 'episodeId' | 'turnId' | 'callId'>;

/** Where a detector's finding goes when it is not stored here (the analysis worker posts it). */
export type AlertSink = (a: AlertInput, dedupe: string) => void;

/** Detectors that threw (or broke their contract) on one input; the others' alerts were raised. */
export class DetectorFault extends Error {}

/** Dedupe keys remembered (one per alert raised). */
const MAX_RAISED = 200_000;

export class LeakAnalyzer {
  readonly registry: DetectorRegistry;
  private readonly store: Store;
  private readonly events: EngineEvents | null;
  private readonly sink: AlertSink | null;
  private readonly raised = new Set<string>();
  /** What earlier calls and turns said. */
  private readonly memory: AnalyzerMemory;
  private readonly lookups: CallLookups;
  /** Told each call's content nothing here explains (for a hub's cross-host check: foreign.ts). */
  onForeign: ((f: ForeignFound) => void) | null = null;
  /** What the token checks remember of answered calls. */
  private readonly answers = new AnsweredCalls();
  /** The tokenizers the token checks use, by what is set (see tokens/tokenizer-for.ts). */
  #tokenizers: TokenizerSettings;
  /** Each loaded the first time a check needs it (null: it cannot load; the checks still compare ids). */
  readonly #loaded = new Map<string, ChatTokenizer | null>();

  /**
   * With `events`, alerts are stored and announced here and finished turns are learnt from the
   * events; with a sink (the analysis worker, reading the store without writing), findings go to
   * the sink and turns arrive through `learnTurn`.
   */
  constructor(
    store: Store,
    out: EngineEvents | AlertSink,
    registry = new DetectorRegistry(),
    tokenizerSource: string | null = null,
  ) {
    this.store = store;
    this.registry = registry;
    // the embedded model answers with the tokenizer set at start; a later setting checks remote calls
    this.#tokenizers = { setting: tokenizerSource, scripted: tokenizerSource };
    // a reader of a store another connection writes keeps the histories it learns (see memory.ts)
    this.memory = new AnalyzerMemory(store, typeof out === 'function');
    this.lookups = {
      turn: (id) => store.turns.get(id),
      call: (id) => store.calls.get(id),
      episodeIndex: (id) => store.episodes.get(id)?.index ?? 0,
      external: (key) => {
        const runtime = store.sessions.get(key)?.runtime;
        return runtime !== undefined && capabilitiesOf(runtime).infersTurns;
      },
    };
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

  /** A turn that ended well: its content becomes what later episodes and sessions are checked against. */
  learnTurn(t: TurnFacts): void {
    this.memory.learn(t, () => this.lookups.episodeIndex(t.episodeId));
  }

  /** Runs every call detector on one recorded call. */
  analyzeCall(call: CallRef, bodyBytes: Buffer): Alert[] {
    let body: ChatRequestBody;
    try {
      body = JSON.parse(bodyBytes.toString('utf8'));
    } catch {
      return [];
    }
    if (!Array.isArray(body.messages)) return [];
    this.answers.requested(call.id, body, bodyBytes.length);
    const context = new CallContext(call, body.messages, this.memory, this.lookups);
    const found = this.onForeign && foreignOf(context);
    if (found) this.onForeign!(found);
    return this.run('call', context, whereOf(call));
  }

  /** Runs the detectors that read an engine signal (a stale key used, workspace state left over). */
  signal<S extends 'stale_key_use' | 'state_left'>(name: S, input: Signals[S]): Alert[] {
    return this.run(name, input, {
      sessionKey: input.sessionKey,
      episodeId: input.episodeId,
      turnId: null,
      callId: null,
    });
  }

  /** Another tokenizer from Settings: the calls answered from now on are checked with it. */
  setTokenizer(source: string | null): void {
    this.#tokenizers = { ...this.#tokenizers, setting: source };
    this.#loaded.clear();
  }

  #tokenizer(source: string | null): ChatTokenizer | null {
    const key = source ?? '';
    if (!this.#loaded.has(key)) {
      try {
        this.#loaded.set(key, loadTokenizer(source));
      } catch {
        this.#loaded.set(key, null);
      }
    }
    return this.#loaded.get(key)!;
  }

  /** Runs the token checks on a call answered with token ids (its request was analyzed before). */
  answered(call: UpstreamCall): Alert[] {
    const found = call.outcome === 'complete' ? this.answers.answered(call) : null;
    if (!found) return [];
    const upstreamId = this.store.episodes.get(call.episodeId)?.upstreamId ?? null;
    const source = tokenizerFor(upstreamId, (id) => this.store.upstreams.tokenizerOf(id), this.#tokenizers);
    return this.run('call_answered', { call, ...found, tokenizer: () => this.#tokenizer(source) }, whereOf(call));
  }

  private run<S extends SignalName>(name: S, input: Signals[S], where: Where): Alert[] {
    const out: Alert[] = [];
    const faults: string[] = [];
    for (const d of this.registry.reading(name)) {
      try {
        for (const f of findingsOf(d, input)) {
          const alert = this.report(d, f, where);
          if (alert) out.push(alert);
        }
      } catch (err) {
        faults.push(`detector ${d.id}: ${(err as Error).message}`);
      }
    }
    if (faults.length > 0) throw new DetectorFault(faults.join('\n'));
    return out;
  }

  private report(d: Detector, f: Finding, where: Where): Alert | null {
    const kind = d.kinds[f.kind];
    if (!kind) throw new Error(`raised "${f.kind}", a kind it does not declare`);
    const alert = { ...where, kind: f.kind, severity: kind.severity, message: f.message, evidence: f.evidence };
    return this.raise(alert, f.dedupe);
  }
}

/** Where a call's alerts belong: its session, episode, turn and itself. */
function whereOf(call: CallRef): Where {
  return { sessionKey: call.sessionKey, episodeId: call.episodeId, turnId: call.turnId, callId: call.id };
}

function findingsOf<S extends SignalName>(d: Detector<S>, input: Signals[S]): readonly Finding[] {
  const found = d.check(input);
  if (found === null) return [];
  return Array.isArray(found) ? found : [found as Finding];
}
