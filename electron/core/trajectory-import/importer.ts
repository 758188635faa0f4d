// Imports an exported trajectory file as read-only episodes: one imported session per source
// session (named import-<file>-<source key>, so its origin shows), each episode with its task and
// group, every interaction a recorded call with its request as sent, reply, model and usage, in
// the turns the file names (inferred where it names none), through the same leak detectors as a
// live external agent's call. Labels come back as labels (value, where given, source, labeler,
// rubric, note); files that carry only returns keep them, already discounted by their exporter.
// Exporting the import gives the exporter's lines again, but for the ids this workbench gives.
import { basename } from 'node:path';
import type { ImportResult } from '../../../shared/api.ts';
import type { Episode } from '../../../shared/domain.ts';
import type { ImportedFrom, ImportFormat } from '../../../shared/imported.ts';
import type { LeakAnalyzer } from '../analysis/analyzer.ts';
import type { EngineEvents } from '../events.ts';
import { mintEpisodeKey } from '../tokens.ts';
import type { ExternalTurns } from '../sessions/external-turns.ts';
import { newId } from '../store/ids.ts';
import type { Store } from '../store/store.ts';
import { parseExport } from './formats.ts';
import type { ImportedEpisode, ImportedInteraction } from './records.ts';

export interface ImportParts {
  store: Store;
  events: EngineEvents;
  externalTurns: ExternalTurns;
  analyzer: LeakAnalyzer;
}

export interface ImportOptions {
  now?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * A source session imported before from a file of the same name goes on in the same session
   * (`trajscope collect`, run again, adds a session's new episodes beside those collected before).
   */
  sameSessions?: boolean;
}

/** Told every PROGRESS_EVERY interactions how far an import is. */
export const PROGRESS_EVERY = 1000;

/**
 * All or nothing: every record is checked first (parseExport throws ImportError naming the record
 * and the field), then everything is written in one transaction.
 */
export function importTrajectories(
  parts: ImportParts,
  name: string,
  text: string,
  opts: ImportOptions = {},
): ImportResult {
  const parsed = parseExport(text); // throws ImportError with a reason, before anything is stored
  const result = parts.store.tx(() => new ImportRun(parts, name, parsed.format, opts).write(parsed.episodes));
  for (const id of result.episodes) parts.events.emit('episodes:changed', parts.store.episodes.get(id)!);
  return result;
}

/**
 * When each episode starts: no later than its first call, and in the file's order — the order
 * episodes are listed and exported in — even where a later episode's first call came earlier
 * (a group's rollouts run at once).
 */
function startTimes(episodes: ImportedEpisode[], now: number): number[] {
  const out = new Array<number>(episodes.length);
  let next = Number.POSITIVE_INFINITY;
  for (let i = episodes.length - 1; i >= 0; i--) {
    next = Math.min(episodes[i]!.interactions[0]?.startedAt ?? now + i, next - 1);
    out[i] = next;
  }
  return out;
}

class ImportRun {
  readonly #parts: ImportParts;
  readonly #file: string;
  readonly #format: ImportFormat;
  readonly #now: number;
  readonly #onProgress: ((done: number, total: number) => void) | undefined;
  readonly #sameSessions: boolean;
  readonly #batch = newId('import');
  /** Source session → imported session; source group → group here. */
  readonly #sessions = new Map<string | null, string>();
  readonly #groups = new Map<string, string>();

  constructor(parts: ImportParts, name: string, format: ImportFormat, opts: ImportOptions) {
    this.#parts = parts;
    this.#file = basename(name);
    this.#format = format;
    this.#now = opts.now ?? Date.now();
    this.#onProgress = opts.onProgress;
    this.#sameSessions = opts.sameSessions ?? false;
  }

  write(episodes: ImportedEpisode[]): ImportResult {
    const { store } = this.#parts;
    const total = episodes.reduce((n, e) => n + e.interactions.length, 0);
    let count = 0;
    let t = this.#now;
    const written: Episode[] = [];
    const starts = startTimes(episodes, t);
    for (const [i, imported] of episodes.entries()) {
      const ep = this.#episode(imported, starts[i]!);
      let turnIndex: number | null | undefined;
      for (const it of imported.interactions) {
        t = it.startedAt ?? Math.max(t, ep.startedAt) + 1;
        this.#interaction(ep, imported, it, it.turnIndex === undefined ? undefined : it.turnIndex !== turnIndex, t);
        turnIndex = it.turnIndex;
        if (++count % PROGRESS_EVERY === 0) this.#onProgress?.(count, total);
      }
      this.#parts.externalTurns.episodeEnded(ep.id, t);
      store.episodes.end(ep.id, t);
      written.push(store.episodes.get(ep.id)!);
    }
    for (const key of this.#sessions.values()) store.sessions.markClosed(key, t);
    const sessionKeys = [...this.#sessions.values()];
    return {
      sessionKey: sessionKeys[0] ?? '',
      sessionKeys,
      format: this.#format,
      episodes: written.map((e) => e.id),
      interactions: total,
      alerts: written.reduce((n, e) => n + store.alerts.count({ episodeId: e.id }), 0),
    };
  }

  #episode(imported: ImportedEpisode, now: number): Episode {
    const imported_: ImportedFrom = {
      file: this.#file,
      format: this.#format,
      source_id: imported.sourceId,
      source_session: imported.sourceSession,
      ...(imported.origin ? { origin: imported.origin } : {}),
      batch: this.#batch,
      discounted: !imported.labels,
    };
    return this.#parts.store.episodes.insert({
      sessionKey: this.#session(imported.sourceSession, now),
      taskId: imported.taskId,
      groupId: imported.groupId ? this.#group(imported.groupId) : null,
      metadata: { imported: imported_ },
      upstreamKey: mintEpisodeKey(),
      upstreamId: null,
      now,
    });
  }

  /** The imported session of a source session: import-<file>[-<source key>], made unique. */
  #session(source: string | null, now: number): string {
    const known = this.#sessions.get(source);
    if (known) return known;
    const { store } = this.#parts;
    const file =
      this.#file
        .replace(/\.[^.]*$/, '')
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .slice(0, 60) || 'file';
    const stem = `import-${file}${source ? `-${source.replaceAll('/', '-')}` : ''}`.slice(0, 500);
    let key = stem;
    const before = store.sessions.get(key);
    if (!(this.#sameSessions && before?.origin === 'imported'))
      for (let n = 2; store.sessions.get(key); n++) key = `${stem}-${n}`;
    store.sessions.ensure(key, 'external', now, 'imported');
    this.#sessions.set(source, key);
    return key;
  }

  /** A source group keeps its id unless this workbench already has a group by that id. */
  #group(source: string): string {
    const known = this.#groups.get(source);
    if (known) return known;
    const taken = (id: string) => this.#parts.store.episodes.list({ groupId: id, limit: 1 }).items.length > 0;
    let id = source;
    for (let n = 2; taken(id); n++) id = `${source.slice(0, 90)}-${n}`;
    this.#groups.set(source, id);
    return id;
  }

  /** `newTurn`: whether the file starts a turn here (undefined: it does not say; inferred). */
  #interaction(
    ep: Episode,
    imported: ImportedEpisode,
    it: ImportedInteraction,
    newTurn: boolean | undefined,
    t: number,
  ) {
    const { store, externalTurns, analyzer } = this.#parts;
    const body = Buffer.from(JSON.stringify(it.request));
    const turnId = it.turnIndex === null ? null : externalTurns.attach(ep, it.request.messages as never, t, newTurn);
    const call = store.calls.insert({
      upstreamKey: ep.upstreamKey,
      sessionKey: ep.sessionKey,
      episodeId: ep.id,
      turnId,
      path: '/v1/chat/completions',
      headers: {},
      body,
      startedAt: t,
    });
    const response = {
      id: null,
      model: it.model,
      text: it.reply,
      reasoning: '',
      toolCalls: it.toolCalls.map((c, index) => ({ ...c, index })),
      finishReason: it.finishReason,
      usage: it.usage,
    };
    const done = store.calls.finish(call, {
      status: 200,
      outcome: it.outcome,
      error: null,
      response: {
        ...response,
        logprobs: it.tokens?.logprobs ?? null,
        tokenIds: it.tokens?.generated ?? null,
        promptTokenIds: it.tokens?.prompt ?? null,
        chunkCount: 0,
        malformedChunks: 0,
        streamed: false,
      },
      rawResponse: null,
      firstByteAt: t,
      endedAt: t,
    });
    externalTurns.callFinished(done);
    analyzer.analyzeCall(done, body);
    if (it.tokens) analyzer.answered(done); // the token checks, on the file's own ids
    const label = it.label;
    if (imported.labels && label) {
      store.rewards.insert({
        episodeId: ep.id,
        turnId: label.scope === 'turn' ? turnId : null,
        callId: label.scope === 'interaction' ? call.id : null,
        value: label.value,
        source: label.source,
        labeler: label.labeler,
        rubric: label.rubric,
        note: label.note,
        now: t,
      });
    } else if (!imported.labels && it.reward !== null) {
      store.rewards.insert({ episodeId: ep.id, callId: call.id, value: it.reward, source: 'api', rubric: 'imported' });
    }
  }
}
