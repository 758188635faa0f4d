// One turn of a session, run with its lock held: route the episode to the upstream the caller
// named (if any), replay the open episode's history into the runtime, and store what came back —
// the reply and history together on success, the reason on failure.
import type { TurnToolCall, UpstreamCallDetail } from '../../../shared/domain.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import { HttpError } from '../http/errors.ts';
import { RuntimeError, type AgentRuntime, type TurnEmitter, type TurnResult } from '../runtime/types.ts';
import type { LiveSession } from './live.ts';
import type { SessionDeps, TurnInput, TurnOutcome } from './types.ts';
import { withToolResults } from './tool-outcome.ts';

export interface OpenEpisode {
  id: string;
  index: number;
  upstreamKey: string;
  upstreamId: string | null;
}

export async function runTurn(
  deps: SessionDeps,
  rt: AgentRuntime,
  live: LiveSession,
  key: string,
  episode: OpenEpisode,
  input: TurnInput,
  emitter: TurnEmitter,
): Promise<TurnOutcome> {
  const { store, events } = deps;
  let upstreamId = episode.upstreamId;
  if (input.inf_base_url && input.session_api_key) {
    const c = {
      baseUrl: input.inf_base_url,
      apiKey: input.session_api_key,
      model: input.inf_model ?? null,
      origin: 'turn' as const,
    };
    upstreamId = deps.internUpstream(c);
    store.episodes.setUpstream(episode.id, upstreamId);
  }
  const history = store.turns.history(episode.id);
  const turn = store.turns.insert({
    episodeId: episode.id,
    sessionKey: key,
    message: input.message,
    historyLength: history.length,
    metadata: input.requestFields ?? {},
  });
  const abort = new AbortController();
  live.currentTurn = turn.id;
  live.abort = abort;
  events.emit('turns:changed', turn);
  const model = input.inf_model ?? deps.modelOf(upstreamId);
  const end = (status: 'ok' | 'failed' | 'cancelled', r: Partial<TurnResult> & { error?: string } = {}) => {
    const t = store.turns.finish(turn.id, {
      status,
      reply: r.text ?? null,
      toolCalls: r.toolCalls ?? [],
      error: r.error ?? null,
    });
    live.currentTurn = null;
    live.abort = null;
    events.emit('turns:changed', t);
    return t;
  };
  const cancelled = () => {
    // whatever the runtime answered, nothing of a cancelled turn joins any history
    const why = abort.signal.reason instanceof Error ? abort.signal.reason.message : 'cancelled';
    end('cancelled', { error: `cancelled: ${why}` });
    return new HttpError(409, `the turn was cancelled: ${why}`, 'turn_cancelled');
  };
  // the text as it streamed, for AReaL's delta events (its Gateway turns them into /ws frames)
  const deltas: string[] = [];
  const collecting: TurnEmitter = { ...emitter, delta: (t) => (deltas.push(t), emitter.delta(t)) };
  let result: TurnResult;
  try {
    result = await rt.run(
      {
        sessionKey: key,
        episodeId: episode.id,
        turnId: turn.id,
        history,
        message: input.message,
        metadata: input.metadata ?? {},
        upstream: { baseUrl: deps.recorderUrl(), apiKey: episode.upstreamKey, model },
        signal: abort.signal,
      },
      collecting,
    );
  } catch (err) {
    if (abort.signal.aborted) throw cancelled();
    const e = err instanceof HttpError ? err : new RuntimeError(502, `the runtime failed: ${(err as Error).message}`);
    end('failed', { error: e.message });
    throw new HttpError(e.status, e.message, e.type);
  }
  if (abort.signal.aborted) throw cancelled();
  // The model's tool calls as recorded upstream (an agent runs most tools itself, so its reply
  // stream shows few of them); the runtime's own list when nothing went through the recorder.
  // (summaries first: the requests, read only when there are tool results to find in them)
  const recorded = rt.makesEveryCall
    ? []
    : store.calls
        .list({ turnId: turn.id })
        .flatMap((c) => c.response?.toolCalls ?? [])
        .map((c, index) => ({ ...c, index }));
  const called = recorded.length > 0 ? recorded : result.toolCalls;
  const toolCalls =
    called.length > 0 ? withToolResults(called, requests(store.calls.details(turn.id, { byTurn: true }))) : [];
  const areal = arealEvents(toolCalls, deltas.length ? deltas : [result.text]);
  result = { ...result, toolCalls, events: [...areal, ...result.events] };
  const done = end('ok', result);
  return { turn: done, result, episode: { id: episode.id, index: episode.index } };
}

/** The messages of each of the turn's requests. */
function* requests(calls: UpstreamCallDetail[]): Iterable<ChatMessage[]> {
  for (const c of calls) {
    try {
      yield (JSON.parse(c.requestBody) as { messages?: ChatMessage[] }).messages ?? [];
    } catch {
      // a body that is not JSON holds no tool result
    }
  }
}

/**
 * The turn as AReaL's agent service reports it: tool_call events with name and args (its Responses
 * bridge builds function_call items from them), tool_result events (its DataProxy rebuilds history
 * from them) and delta events with text (its Gateway's /ws sends each as a frame).
 */
function arealEvents(toolCalls: TurnToolCall[], deltas: string[]): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  for (const c of toolCalls) {
    events.push({ type: 'tool_call', name: c.name, args: c.arguments, id: c.id });
    if (c.result !== null && c.result !== undefined)
      events.push({
        type: 'tool_result',
        name: c.name,
        result: c.result,
        id: c.id,
        ...(c.error ? { error: c.error } : {}),
      });
  }
  for (const text of deltas) if (text) events.push({ type: 'delta', text });
  return events;
}
