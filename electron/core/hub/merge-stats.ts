// The Stats view's charts over every host of a hub, merged exactly: calls' columns joined; alert
// buckets summed on the coarsest bucket any host used or the joined span needs (every bucket size
// divides the next, and buckets start at multiples of their size, so none is split); rewards asked
// twice when the hosts' ranges or busiest tasks differ — the second time with one range and one set
// of rows, so every host's histogram has the same bins.
import type { InvokeRequest } from '../../../shared/api.ts';
import {
  ALERT_BUCKETS_MS,
  REWARD_SPLITS,
  REWARD_TASK_ROWS,
  type AlertTimes,
  type CallStats,
  type RewardSplit,
  type RewardStats,
} from '../../../shared/stats.ts';

export function mergeCallStats(all: CallStats[]): CallStats {
  return {
    ttfbMs: all.flatMap((c) => c.ttfbMs),
    durationMs: all.flatMap((c) => c.durationMs),
    promptTokens: all.flatMap((c) => c.promptTokens),
    completionTokens: all.flatMap((c) => c.completionTokens),
    requestBytes: all.flatMap((c) => c.requestBytes),
    truncated: all.some((c) => c.truncated),
  };
}

export function mergeAlertTimes(all: AlertTimes[]): AlertTimes {
  const buckets = all.flatMap((a) => a.buckets);
  if (!buckets.length) return { bucketMs: Math.max(...all.map((a) => a.bucketMs), ALERT_BUCKETS_MS[0]!), buckets: [] };
  const used = Math.max(...all.filter((a) => a.buckets.length).map((a) => a.bucketMs));
  const lo = Math.min(...buckets.map((b) => b.at));
  const hi = Math.max(...buckets.map((b) => b.at));
  const bucketMs =
    ALERT_BUCKETS_MS.find((b) => b >= used && (hi - lo) / b <= 120) ?? ALERT_BUCKETS_MS[ALERT_BUCKETS_MS.length - 1]!;
  const sum = new Map<string, { at: number; kind: string; count: number }>();
  for (const b of buckets) {
    const at = Math.floor(b.at / bucketMs) * bucketMs;
    const key = `${at}\u0000${b.kind}`;
    const cell = sum.get(key) ?? { at, kind: b.kind, count: 0 };
    cell.count += b.count;
    sum.set(key, cell);
  }
  return {
    bucketMs,
    buckets: [...sum.values()].sort((a, b) => a.at - b.at || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)),
  };
}

/**
 * The hub's reward stats: each host asked (`ask`) with the same range and rows, once when what they
 * first answered agrees, else again with the joined range and the busiest tasks over all hosts.
 */
export async function mergedRewardStats(
  req: InvokeRequest<'stats:rewards'>,
  ask: (req: InvokeRequest<'stats:rewards'>) => Promise<RewardStats[]>,
): Promise<RewardStats> {
  let answers = await ask(req);
  const domain: [number, number] = [
    Math.min(...answers.map((a) => a.domain[0])),
    Math.max(...answers.map((a) => a.domain[1])),
  ];
  const tasks = mergeTasks(answers);
  const rows = tasks.slice(0, REWARD_TASK_ROWS).map((t) => t.task);
  const agree = answers.every((a) => a.domain[0] === domain[0] && a.domain[1] === domain[1] && sameRows(a, rows));
  if (!agree && answers.length > 1) answers = await ask({ ...req, domain, rows });
  const progress = Object.fromEntries(REWARD_SPLITS.map((k) => [k, 0])) as Record<RewardSplit, number>;
  for (const a of answers) for (const k of REWARD_SPLITS) progress[k] += a.progress[k];
  const bins = new Map<string, RewardStats['bins'][number]>();
  for (const b of answers.flatMap((a) => a.bins)) {
    const key = `${b.task}\u0000${b.source}\u0000${b.x1}`;
    const bin = bins.get(key) ?? { ...b, count: 0 };
    bin.count += b.count;
    bins.set(key, bin);
  }
  return { progress, domain, bins: [...bins.values()], tasks: tasks.slice(0, 1000), session: null };
}

/** Whether a host's histogram rows are `rows` for every task it has (then it needs no second asking). */
function sameRows(a: RewardStats, rows: string[]): boolean {
  const own = new Set(a.tasks.slice(0, REWARD_TASK_ROWS).map((t) => t.task));
  return a.tasks.every((t) => own.has(t.task) === rows.includes(t.task));
}

function mergeTasks(answers: RewardStats[]): RewardStats['tasks'] {
  const byTask = new Map<string, RewardStats['tasks'][number] & { sum: number; rewarded: number }>();
  for (const t of answers.flatMap((a) => a.tasks)) {
    const rewarded = t.episodes - t.bySplit.unlabeled;
    const m = byTask.get(t.task);
    if (!m) {
      byTask.set(t.task, { ...t, bySplit: { ...t.bySplit }, sum: (t.mean ?? 0) * rewarded, rewarded });
      continue;
    }
    m.episodes += t.episodes;
    for (const k of REWARD_SPLITS) m.bySplit[k] += t.bySplit[k];
    m.sum += (t.mean ?? 0) * rewarded;
    m.rewarded += rewarded;
    if (t.min !== null) m.min = m.min === null ? t.min : Math.min(m.min, t.min);
    if (t.max !== null) m.max = m.max === null ? t.max : Math.max(m.max, t.max);
  }
  return [...byTask.values()]
    .sort((a, b) => b.episodes - a.episodes || a.task.localeCompare(b.task))
    .map(({ sum, rewarded, ...t }) => ({ ...t, mean: rewarded ? sum / rewarded : null }));
}
