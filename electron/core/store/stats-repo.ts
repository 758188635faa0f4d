// Numbers for the charts, counted in SQL: each episode's reward and its source, each call's
// timings and sizes. Capped at the newest 100,000 of each (the charts bin them).
import type { RewardSource } from '../../../shared/domain.ts';
import type { CallStats, RewardStats } from '../../../shared/stats.ts';
import type { Db } from './db.ts';

export const STATS_CAP = 100_000;

export class StatsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  rewards(sessionKey?: string): RewardStats {
    const rows = this.#db.all<{
      id: string;
      session_key: string;
      idx: number;
      task_id: string | null;
      group_id: string | null;
      ended: number;
      value: number | null;
      source: RewardSource | null;
    }>(
      `SELECT e.id, e.session_key, e.idx, e.task_id, e.group_id, e.status != 'open' AS ended, r.value, r.source
       FROM episodes e
       LEFT JOIN rewards r ON r.seq = (SELECT MAX(seq) FROM rewards x
         WHERE x.episode_id = e.id AND x.turn_id IS NULL AND x.call_id IS NULL)
       WHERE (? IS NULL OR e.session_key = ?)
       ORDER BY e.started_at DESC, e.rowid DESC LIMIT ?`,
      sessionKey ?? null,
      sessionKey ?? null,
      STATS_CAP + 1,
    );
    const truncated = rows.length > STATS_CAP;
    return {
      episodes: rows
        .slice(0, STATS_CAP)
        .reverse()
        .map((r) => ({
          episodeId: r.id,
          sessionKey: r.session_key,
          index: r.idx,
          taskId: r.task_id,
          groupId: r.group_id,
          ended: r.ended === 1,
          reward: r.value,
          source: r.source,
        })),
      truncated,
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
}
