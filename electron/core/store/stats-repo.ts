// Numbers for the charts, counted in SQL: rewards by task, source and histogram bin over every
// episode; each call's timings and sizes (the newest 100,000; the charts bin them).
import {
  ALERT_BUCKETS_MS,
  REWARD_BINS,
  REWARD_SPLITS,
  REWARD_TASK_ROWS,
  type AlertTimes,
  type CallStats,
  type PromptSizes,
  type RewardSplit,
  type RewardStats,
} from '../../../shared/stats.ts';
import type { Db } from './db.ts';

export const STATS_CAP = 100_000;

/** A call's prompt tokens as its server said them (usage, else the prompt's token ids); null: unsaid. */
const PROMPT_TOKENS = `CASE WHEN json_valid(c.response) THEN COALESCE(json_extract(c.response, '$.usage.prompt_tokens'),
  json_array_length(c.response, '$.promptTokenIds')) END`;
/** Bucket widths of the alert timeline, finest first: a minute to a week. */

/** What the histogram's rows are: tasks, or groups of rollouts. */
export type RewardRows = 'task' | 'group';

/** The histogram's row of an episode (a closed list: interpolated into the SQL). */
const ROW_OF: Record<RewardRows, string> = {
  task: "COALESCE(e.task_id, '(no task)')",
  group: "COALESCE(e.group_id, '(no group)')",
};

/** `ep`: every episode (of the session bound twice, or all) with its latest episode-level reward. */
const episodeRewards = (by: RewardRows) => `
  WITH latest AS (
    SELECT r.episode_id, r.value, r.source FROM rewards r
    JOIN (SELECT episode_id, MAX(seq) AS seq FROM rewards WHERE turn_id IS NULL AND call_id IS NULL
          GROUP BY episode_id) m ON m.seq = r.seq
  ), ep AS (
    SELECT e.idx, ${ROW_OF[by]} AS task, e.status != 'open' AS ended, latest.value,
      COALESCE(latest.source, 'unlabeled') AS source
    FROM episodes e LEFT JOIN latest ON latest.episode_id = e.id
    WHERE (? IS NULL OR e.session_key = ?)
  )`;

export class StatsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** `domain` and `rows`, when given, fix the histogram's range and the tasks with rows of their own. */
  rewards(
    sessionKey?: string,
    by: RewardRows = 'task',
    fixed: { domain?: [number, number] | undefined; rows?: string[] | undefined } = {},
  ): RewardStats {
    const key = sessionKey ?? null;
    // one axis for every session: the range of every episode-level reward given, and 0–1
    const range = this.#db.get<{ lo: number | null; hi: number | null }>(
      'SELECT MIN(value) AS lo, MAX(value) AS hi FROM rewards WHERE turn_id IS NULL AND call_id IS NULL',
    )!;
    // a reward outside a given range still counts: in its first or last bin
    const [lo, hi] = fixed.domain ?? [Math.min(0, range.lo ?? 0), Math.max(1, range.hi ?? 1)];
    const width = (hi - lo) / REWARD_BINS;
    const groups = this.#db.all<{
      task: string;
      source: RewardSplit;
      ended: number;
      bin: number | null;
      n: number;
      sum: number | null;
      lo: number | null;
      hi: number | null;
    }>(
      `${episodeRewards(by)}
       SELECT task, source, ended,
         CASE WHEN value IS NULL THEN NULL
           ELSE MAX(0, MIN(${REWARD_BINS - 1}, CAST((value - ?) / ? AS INTEGER))) END AS bin,
         COUNT(*) AS n, SUM(value) AS sum, MIN(value) AS lo, MAX(value) AS hi
       FROM ep GROUP BY task, source, ended, bin`,
      key,
      key,
      lo,
      width,
    );
    const progress = Object.fromEntries(REWARD_SPLITS.map((k) => [k, 0])) as Record<RewardSplit, number>;
    const byTask = new Map<string, RewardStats['tasks'][number] & { sum: number; rewarded: number }>();
    for (const g of groups) {
      if (g.ended) progress[g.source] += g.n;
      let t = byTask.get(g.task);
      if (!t) {
        const bySplit = Object.fromEntries(REWARD_SPLITS.map((k) => [k, 0])) as Record<RewardSplit, number>;
        t = { task: g.task, episodes: 0, bySplit, mean: null, min: null, max: null, sum: 0, rewarded: 0 };
        byTask.set(g.task, t);
      }
      t.episodes += g.n;
      t.bySplit[g.source] += g.n;
      if (g.sum === null) continue;
      t.sum += g.sum;
      t.rewarded += g.n;
      t.min = t.min === null ? g.lo : Math.min(t.min, g.lo!);
      t.max = t.max === null ? g.hi : Math.max(t.max, g.hi!);
    }
    const tasks = [...byTask.values()]
      .sort((a, b) => b.episodes - a.episodes || a.task.localeCompare(b.task))
      .map(({ sum, rewarded, ...t }) => ({ ...t, mean: rewarded ? sum / rewarded : null }));
    const own = new Set(fixed.rows ?? tasks.slice(0, REWARD_TASK_ROWS).map((t) => t.task));
    const rest = by === 'group' ? 'other groups' : 'other tasks';
    const bins = new Map<string, RewardStats['bins'][number]>();
    for (const g of groups) {
      if (g.bin === null || g.source === 'unlabeled') continue;
      const task = own.has(g.task) ? g.task : rest;
      const id = `${task}\u0000${g.source}\u0000${g.bin}`;
      const bin = bins.get(id) ?? {
        task,
        source: g.source,
        x1: lo + g.bin * width,
        x2: lo + (g.bin + 1) * width,
        count: 0,
      };
      bin.count += g.n;
      bins.set(id, bin);
    }
    const session =
      key === null
        ? null
        : this.#db.all<{ idx: number; value: number | null; source: RewardSplit }>(
            `${episodeRewards(by)} SELECT idx, value, source FROM ep ORDER BY idx LIMIT 10000`,
            key,
            key,
          );
    return {
      progress,
      domain: [lo, hi],
      bins: [...bins.values()],
      tasks: tasks.slice(0, 1000),
      session: session?.map((r) => ({ index: r.idx, reward: r.value, source: r.source })) ?? null,
    };
  }

  calls(sessionKey?: string): CallStats {
    const rows = this.#db.all<{
      ttfb: number | null;
      duration: number | null;
      prompt: number | null;
      completion: number | null;
      bytes: number;
    }>(
      `SELECT first_byte_at - started_at AS ttfb, ended_at - started_at AS duration,
         CASE WHEN json_valid(response) THEN COALESCE(json_extract(response, '$.usage.prompt_tokens'),
           json_array_length(response, '$.promptTokenIds')) END AS prompt,
         CASE WHEN json_valid(response) THEN COALESCE(json_extract(response, '$.usage.completion_tokens'),
           json_array_length(response, '$.tokenIds')) END AS completion,
         length(request_body) AS bytes
       FROM upstream_calls
       WHERE ended_at IS NOT NULL AND fork_of IS NULL AND (? IS NULL OR session_key = ?)
       ORDER BY seq DESC LIMIT ?`,
      sessionKey ?? null,
      sessionKey ?? null,
      STATS_CAP + 1,
    );
    const kept = rows.slice(0, STATS_CAP);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return {
      ttfbMs: kept.map((r) => num(r.ttfb)),
      durationMs: kept.map((r) => num(r.duration)),
      promptTokens: kept.map((r) => num(r.prompt)),
      completionTokens: kept.map((r) => num(r.completion)),
      requestBytes: kept.map((r) => r.bytes),
      truncated: rows.length > STATS_CAP,
    };
  }

  promptSizes(episodeId: string): PromptSizes {
    const rows = this.#db.all<{
      turn_id: string;
      idx: number;
      tokens: number | null;
      bytes: number;
      calls: number;
      untold: number;
    }>(
      `SELECT t.id AS turn_id, t.idx, MAX(${PROMPT_TOKENS}) AS tokens, MAX(length(c.request_body)) AS bytes,
         COUNT(*) AS calls, SUM(${PROMPT_TOKENS} IS NULL) AS untold
       FROM turns t JOIN upstream_calls c ON c.turn_id = t.id
       WHERE t.episode_id = ? AND c.fork_of IS NULL
       GROUP BY t.id ORDER BY t.idx`,
      episodeId,
    );
    // one unit for the whole line: a turn whose server said no token count puts every turn in bytes
    const unit = rows.length > 0 && rows.every((r) => r.untold === 0) ? 'tokens' : 'bytes';
    return {
      unit,
      turns: rows.map((r) => ({
        turnId: r.turn_id,
        index: r.idx,
        size: unit === 'tokens' ? r.tokens! : r.bytes,
        calls: r.calls,
      })),
    };
  }

  alertTimes(filter: { sessionKey?: string; kind?: string }): AlertTimes {
    const where = '(? IS NULL OR session_key = ?) AND (? IS NULL OR kind = ?)';
    const args = [filter.sessionKey ?? null, filter.sessionKey ?? null, filter.kind ?? null, filter.kind ?? null];
    const span = this.#db.get<{ lo: number | null; hi: number | null }>(
      `SELECT MIN(created_at) AS lo, MAX(created_at) AS hi FROM alerts WHERE ${where}`,
      ...args,
    )!;
    if (span.lo === null || span.hi === null) return { bucketMs: 60_000, buckets: [] };
    const bucketMs = ALERT_BUCKETS_MS.find((b) => (span.hi! - span.lo!) / b <= 120) ?? ALERT_BUCKETS_MS.at(-1)!;
    const buckets = this.#db.all<{ at: number; kind: string; count: number }>(
      `SELECT (created_at / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS at, kind, COUNT(*) AS count
       FROM alerts WHERE ${where} GROUP BY at, kind ORDER BY at, kind`,
      bucketMs,
      bucketMs,
      ...args,
    );
    return { bucketMs, buckets };
  }
}
