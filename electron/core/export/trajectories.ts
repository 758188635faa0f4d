// AReaL's trajectory shapes, built from an episode's complete calls with their discounted returns:
// the older `/export_trajectories` answer ({interactions: {id: {messages, output_message_list, …}}},
// one entry per call or per turn) and today's string trajectory ({interactions: [{request,
// response, reward}]}, what AReaL's v2 exporter sends when it has no token tensors).
import type { UpstreamCallDetail } from '../../../shared/domain.ts';
import { importedFrom } from '../../../shared/imported.ts';
import type { Store } from '../store/store.ts';
import { retryOrphans } from './orphans.ts';
import { interactionRewards } from './rewards.ts';

export type TrajectoryStyle = 'individual' | 'concat';

export interface TrajectoryItem {
  interaction_id: string;
  turn_id: string | null;
  messages: unknown[];
  output_message_list: Array<{ role: 'assistant'; content: string; tool_calls?: unknown[] }>;
  /** The same reply as a single message (kept for clients of the first Trajscope shape). */
  response: { role: 'assistant'; content: string; tool_calls?: unknown[] };
  reward: number;
  own_reward: number | null;
  usage: Record<string, unknown> | null;
}

export interface TrajectoryOptions {
  discount: number;
  style: TrajectoryStyle;
  dropRetryOrphans?: boolean;
}

/** The calls that are training data: complete, minus retry orphans when asked. */
export function trainingCalls(store: Store, episodeId: string, dropRetryOrphans = false): UpstreamCallDetail[] {
  const calls = store.calls.details(episodeId, { completeOnly: true }).filter((c) => c.response);
  if (!dropRetryOrphans) return calls;
  const orphans = retryOrphans(calls);
  return calls.filter((c) => !orphans.has(c.id));
}

/**
 * Episodes imported from returns already discounted by their exporter are not discounted again;
 * those imported with their labels (trajscope JSON Lines) are, like any other.
 */
export function discountFor(store: Store, episodeId: string, discount: number): number {
  return importedFrom(store.episodes.get(episodeId))?.discounted ? 0 : discount;
}

function items(store: Store, episodeId: string, o: TrajectoryOptions): TrajectoryItem[] {
  const calls = trainingCalls(store, episodeId, o.dropRetryOrphans);
  const rewards = interactionRewards(calls, store.rewards.list(episodeId), discountFor(store, episodeId, o.discount));
  return calls.map((c, i): TrajectoryItem => {
    const req = JSON.parse(c.requestBody) as { messages: unknown[] };
    const r = c.response!;
    const toolCalls = r.toolCalls.map((t) => ({
      id: t.id,
      type: 'function',
      function: { name: t.name, arguments: t.arguments },
    }));
    const reply = {
      role: 'assistant' as const,
      content: r.text,
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
    };
    return {
      interaction_id: c.id,
      turn_id: c.turnId,
      messages: req.messages,
      output_message_list: [reply],
      response: reply,
      reward: rewards[i]!.reward,
      own_reward: rewards[i]!.own,
      usage: r.usage,
    };
  });
}

/** The older shape: interactions by id. */
export function trajectories(store: Store, episodeId: string, o: TrajectoryOptions): Record<string, TrajectoryItem> {
  const all = items(store, episodeId, o);
  const chosen = o.style === 'individual' ? all : concatByTurn(all);
  return Object.fromEntries(chosen.map((it) => [it.interaction_id, it]));
}

/** Today's string trajectory of several episodes: one list of {request, response, reward}. */
export function stringTrajectory(store: Store, episodeIds: string[], o: TrajectoryOptions) {
  const interactions = episodeIds.flatMap((id) => {
    const all = items(store, id, o);
    return (o.style === 'individual' ? all : concatByTurn(all)).map((it) => ({
      request: it.messages,
      response: it.output_message_list[0]!.content,
      reward: it.reward,
    }));
  });
  return { interactions };
}

/** concat: one entry per turn, its last call (whose prompt holds the turn's earlier calls) with the turn's return. */
function concatByTurn(all: TrajectoryItem[]): TrajectoryItem[] {
  const byTurn = new Map<string, TrajectoryItem[]>();
  for (const it of all) {
    const k = it.turn_id ?? it.interaction_id;
    byTurn.set(k, [...(byTurn.get(k) ?? []), it]);
  }
  return [...byTurn.values()].map((group) => ({ ...group[group.length - 1]!, reward: group[0]!.reward }));
}
