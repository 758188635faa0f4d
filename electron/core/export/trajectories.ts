// AReaL's trajectory shape: each successful interaction of an episode with its prompt, its reply
// and its discounted return, one entry per call ("individual") or per turn ("concat").
import type { Store } from '../store/store.ts';
import { interactionRewards } from './rewards.ts';

export type TrajectoryStyle = 'individual' | 'concat';

export interface TrajectoryItem {
  interaction_id: string;
  turn_id: string | null;
  messages: unknown[];
  response: { role: 'assistant'; content: string; tool_calls?: unknown[] };
  reward: number;
  own_reward: number | null;
  usage: Record<string, unknown> | null;
}

export function trajectories(
  store: Store,
  episodeId: string,
  discount: number,
  style: TrajectoryStyle,
): Record<string, TrajectoryItem> {
  // only complete calls are training data; failed ones never appear as samples
  const calls = store.calls.details(episodeId, { completeOnly: true }).filter((c) => c.response);
  const rewards = interactionRewards(calls, store.rewards.list(episodeId), discount);
  const items = calls.map((c, i): TrajectoryItem => {
    const req = JSON.parse(c.requestBody) as { messages: unknown[] };
    const r = c.response!;
    const toolCalls = r.toolCalls.map((t) => ({
      id: t.id,
      type: 'function',
      function: { name: t.name, arguments: t.arguments },
    }));
    return {
      interaction_id: c.id,
      turn_id: c.turnId,
      messages: req.messages,
      response: { role: 'assistant', content: r.text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
      reward: rewards[i]!.reward,
      own_reward: rewards[i]!.own,
      usage: r.usage,
    };
  });
  const chosen = style === 'individual' ? items : concatByTurn(items);
  return Object.fromEntries(chosen.map((it) => [it.interaction_id, it]));
}

/** concat: one entry per turn, its last call (whose prompt holds the turn's earlier calls) with the turn's return. */
function concatByTurn(items: TrajectoryItem[]): TrajectoryItem[] {
  const byTurn = new Map<string, TrajectoryItem[]>();
  for (const it of items) {
    const k = it.turn_id ?? it.interaction_id;
    byTurn.set(k, [...(byTurn.get(k) ?? []), it]);
  }
  return [...byTurn.values()].map((group) => ({ ...group[group.length - 1]!, reward: group[0]!.reward }));
}
