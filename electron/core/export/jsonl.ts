// `trajscope export`: one JSON line per successful upstream interaction, with its discounted
// reward. Deterministic: the same data always gives the same bytes.
import type { Store } from '../store/store.ts';
import { interactionRewards } from './rewards.ts';

export interface ExportOptions {
  episodes?: string[];
  discount?: number;
}

export function* exportLines(store: Store, opts: ExportOptions = {}): Generator<string> {
  const discount = opts.discount ?? 1;
  for (const ep of store.episodes.each(opts.episodes ? { ids: opts.episodes } : {})) {
    const turns = new Map(store.turns.list(ep.id).map((t) => [t.id, t.index]));
    const calls = store.calls.details(ep.id).filter((c) => c.status === 200 && c.response);
    const rewards = interactionRewards(calls, store.rewards.list(ep.id), discount);
    for (const [i, c] of calls.entries()) {
      const r = c.response!;
      const reward = rewards[i]!;
      yield JSON.stringify({
        episode_id: ep.id,
        session_key: ep.sessionKey,
        task_id: ep.taskId,
        turn_index: c.turnId ? (turns.get(c.turnId) ?? null) : null,
        interaction_index: i,
        interaction_id: c.id,
        upstream_key: c.upstreamKey,
        request: JSON.parse(c.requestBody),
        response: { role: 'assistant', content: r.text, finish_reason: r.finishReason, usage: r.usage },
        tool_calls: r.toolCalls.map((t) => ({ id: t.id, name: t.name, arguments: t.arguments })),
        reward: reward.reward,
        reward_source: reward.source,
        labeler: reward.labeler,
        rubric: reward.rubric,
        created_at: new Date(c.startedAt).toISOString(),
      });
    }
  }
}
