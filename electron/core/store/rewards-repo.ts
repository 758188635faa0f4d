// Reward rows: never overwritten; the newest row for an episode, turn or call wins.
import type { Reward, RewardSource } from '../../../shared/domain.ts';
import type { Db } from './db.ts';
import { newId } from './ids.ts';
import { toReward, type RewardRow } from './rows.ts';

export interface NewReward {
  episodeId: string;
  turnId?: string | null;
  callId?: string | null;
  value: number;
  source: RewardSource;
  labeler?: string | null;
  note?: string | null;
  rubric?: string | null;
  now?: number;
}

export class RewardsRepo {
  readonly #db: Db;
  #seq: number;

  constructor(db: Db) {
    this.#db = db;
    this.#seq = db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM rewards')?.s ?? 0;
  }

  insert(r: NewReward): Reward {
    const id = newId('rw');
    this.#db.run(
      `INSERT INTO rewards (id, seq, episode_id, turn_id, call_id, value, source, labeler, note, rubric, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      ++this.#seq,
      r.episodeId,
      r.turnId ?? null,
      r.callId ?? null,
      r.value,
      r.source,
      r.labeler ?? null,
      r.note ?? null,
      r.rubric ?? null,
      r.now ?? Date.now(),
    );
    return toReward(this.#db.get<RewardRow>('SELECT * FROM rewards WHERE id = ?', id)!);
  }

  list(episodeId: string): Reward[] {
    return this.#db.all<RewardRow>('SELECT * FROM rewards WHERE episode_id = ? ORDER BY seq', episodeId).map(toReward);
  }

  /** The newest human label of an episode (what undo removes). */
  lastHuman(episodeId: string): Reward | undefined {
    const r = this.#db.get<RewardRow>(
      `SELECT * FROM rewards WHERE episode_id = ? AND source = 'human' ORDER BY seq DESC LIMIT 1`,
      episodeId,
    );
    return r && toReward(r);
  }

  delete(id: string): void {
    this.#db.run('DELETE FROM rewards WHERE id = ?', id);
  }
}
