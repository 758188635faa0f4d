// Rewards per upstream interaction and their discounted propagation, shared by AReaL's
// /export_trajectories answer and the `trajscope export` file.
import type { Reward, RewardScope, RewardSource, UpstreamCallDetail } from '../../../shared/domain.ts';

export interface InteractionReward {
  /** The reward given to this interaction itself (null: none). */
  own: number | null;
  /** Discounted return: own + γ·(return of the next interaction). */
  reward: number;
  source: RewardSource;
  labeler: string | null;
  rubric: string | null;
  /** The label's note, from the same row as `source` (what the labeler wrote down). */
  note: string | null;
  /** Where the label given at this interaction itself sits (null: none given here). */
  scope: RewardScope | null;
}

function scopeOf(r: Reward): RewardScope {
  return r.callId ? 'interaction' : r.turnId ? 'turn' : 'episode';
}

/**
 * Assigns each reward row to one interaction — its call, else its turn's last call, else the
 * episode's last call — the latest row winning, then propagates r_i ← r_i + γ·r_{i+1}.
 */
export function interactionRewards(
  calls: Array<Pick<UpstreamCallDetail, 'id' | 'turnId'>>,
  rewards: Reward[],
  discount: number,
): InteractionReward[] {
  const lastOfTurn = new Map<string, number>();
  calls.forEach((c, i) => c.turnId && lastOfTurn.set(c.turnId, i));
  const own: Array<Reward | null> = calls.map(() => null);
  for (const r of rewards) {
    let at = -1;
    if (r.callId) at = calls.findIndex((c) => c.id === r.callId);
    else if (r.turnId) at = lastOfTurn.get(r.turnId) ?? -1;
    else at = calls.length - 1;
    if (at >= 0) own[at] = r; // rewards come in seq order: the latest wins
  }
  const out: InteractionReward[] = new Array(calls.length);
  let next = 0;
  let nextSource: Reward | null = null;
  for (let i = calls.length - 1; i >= 0; i--) {
    const r = own[i] ?? null;
    const value = (r?.value ?? 0) + discount * next;
    const src = r ?? nextSource;
    out[i] = {
      own: r?.value ?? null,
      reward: value,
      source: src?.source ?? 'default',
      labeler: src?.labeler ?? null,
      rubric: src?.rubric ?? null,
      note: src?.note ?? null,
      scope: r ? scopeOf(r) : null,
    };
    next = value;
    if (r) nextSource = r;
  }
  return out;
}
