// Two episodes turn by turn — a replay against its source, or any two rollouts of a group: what was
// replayed, what reached the model, what it answered, which tools it called, what was flagged, and
// the rewards. Turns are aligned by their index.
import type { Turn } from '../../../shared/domain.ts';
import { logicalPromptText, systemPrompt } from '../../../shared/prompt-text.ts';
import type { EpisodeComparison, TurnSide } from '../../../shared/rollouts.ts';
import { HttpError } from '../http/errors.ts';
import type { Store } from '../store/store.ts';

function side(store: Store, t: Turn): TurnSide {
  const calls = store.calls.list({ turnId: t.id });
  const first = calls[0] ? store.calls.detail(calls[0].id) : undefined;
  const reward = store.rewards
    .list(t.episodeId)
    .filter((r) => r.turnId === t.id)
    .at(-1);
  return {
    turnId: t.id,
    status: t.status,
    message: t.message,
    reply: t.reply,
    historyLength: t.historyLength,
    prompt: first ? logicalPromptText(first.requestBody, { system: false }) : '',
    system: first ? systemPrompt(first.requestBody) : '',
    toolCalls: t.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })),
    alerts: store.alerts.kindsOfTurn(t.id),
    reward: reward?.value ?? null,
    callCount: calls.length,
  };
}

export function compareEpisodes(store: Store, aId: string, bId: string): EpisodeComparison {
  const a = store.episodes.get(aId);
  const b = store.episodes.get(bId);
  if (!a) throw new HttpError(404, `unknown episode ${aId}`);
  if (!b) throw new HttpError(404, `unknown episode ${bId}`);
  const ta = store.turns.list(a.id);
  const tb = store.turns.list(b.id);
  const turns = Array.from({ length: Math.max(ta.length, tb.length) }, (_, index) => ({
    index,
    a: ta[index] ? side(store, ta[index]) : null,
    b: tb[index] ? side(store, tb[index]) : null,
  }));
  return { a, b, turns };
}
