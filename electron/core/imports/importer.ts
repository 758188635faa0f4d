// Imports an exported trajectory file as read-only episodes of an "imported" session: every
// interaction becomes a recorded call, goes through the same turn inference and leak detectors as a
// live external agent's call, and keeps its reward (already discounted by its exporter, so it is
// not discounted again when exported from here). Browse, label, run the detectors, export again.
import { basename } from 'node:path';
import type { ImportResult } from '../../../shared/api.ts';
import type { Episode } from '../../../shared/domain.ts';
import type { LeakAnalyzer } from '../analysis/analyzer.ts';
import type { EngineEvents } from '../events.ts';
import { mintEpisodeKey } from '../keys.ts';
import type { ExternalTurns } from '../sessions/external-turns.ts';
import type { Store } from '../store/store.ts';
import { parseExport } from './formats.ts';

export interface ImportParts {
  store: Store;
  events: EngineEvents;
  externalTurns: ExternalTurns;
  analyzer: LeakAnalyzer;
}

/** A session key for a file: its name, made unique. */
function sessionKeyFor(store: Store, name: string): string {
  const stem = `import-${
    basename(name)
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .slice(0, 60) || 'file'
  }`;
  let key = stem;
  for (let n = 2; store.sessions.get(key); n++) key = `${stem}-${n}`;
  return key;
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
  opts: { now?: number; onProgress?: (done: number, total: number) => void } = {},
): ImportResult {
  const parsed = parseExport(text); // throws ImportError with a reason, before anything is stored
  const result = parts.store.tx(() => write(parts, name, parsed, opts.now ?? Date.now(), opts.onProgress));
  for (const id of result.episodes) parts.events.emit('episodes:changed', parts.store.episodes.get(id)!);
  return result;
}

function write(
  parts: ImportParts,
  name: string,
  parsed: ReturnType<typeof parseExport>,
  now: number,
  onProgress?: (done: number, total: number) => void,
): ImportResult {
  const { store, externalTurns, analyzer } = parts;
  const total = parsed.episodes.reduce((n, e) => n + e.interactions.length, 0);
  let count = 0;
  const sessionKey = sessionKeyFor(store, name);
  const alertsBefore = store.alerts.list({ sessionKey, limit: 1 }).items.length;
  let t = now;
  const episodes: Episode[] = [];
  store.sessions.ensure(sessionKey, 'external', now, 'imported');
  for (const imported of parsed.episodes) {
    const episode = store.episodes.insert({
      sessionKey,
      taskId: imported.sourceId,
      metadata: {
        imported: { file: basename(name), format: parsed.format, source_id: imported.sourceId, discounted: true },
      },
      upstreamKey: mintEpisodeKey(),
      upstreamId: null,
      now: t,
    });
    const ep = { id: episode.id, session_key: sessionKey };
    for (const it of imported.interactions) {
      t++;
      const body = Buffer.from(JSON.stringify({ messages: it.messages }));
      const call = store.calls.insert({
        upstreamKey: episode.upstreamKey,
        sessionKey,
        episodeId: episode.id,
        turnId: externalTurns.attach(ep, it.messages as never, t),
        path: '/v1/chat/completions',
        headers: {},
        body,
        startedAt: t,
      });
      const toolCalls = it.toolCalls.map((c, index) => ({ ...c, index }));
      const response = {
        id: null,
        model: null,
        text: it.reply,
        reasoning: '',
        toolCalls,
        finishReason: 'stop',
        usage: null,
      };
      const done = store.calls.finish(call, {
        status: 200,
        outcome: 'complete',
        error: null,
        response: { ...response, logprobs: null, tokenIds: null, chunkCount: 0, malformedChunks: 0, streamed: false },
        rawResponse: null,
        firstByteAt: t,
        endedAt: t,
      });
      externalTurns.callFinished(done);
      analyzer.analyzeCall(done, body);
      if (it.reward !== null)
        store.rewards.insert({
          episodeId: episode.id,
          callId: call.id,
          value: it.reward,
          source: 'api',
          rubric: 'imported',
        });
      if (++count % PROGRESS_EVERY === 0) onProgress?.(count, total);
    }
    externalTurns.episodeEnded(episode.id, t);
    store.episodes.end(episode.id, t);
    episodes.push(store.episodes.get(episode.id)!);
  }
  store.sessions.markClosed(sessionKey, t);
  return {
    sessionKey,
    format: parsed.format,
    episodes: episodes.map((e) => e.id),
    interactions: total,
    alerts: store.alerts.list({ sessionKey, limit: 1000 }).items.length - alertsBefore,
  };
}
