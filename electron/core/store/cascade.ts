// The one delete plan: what goes with an episode and with a session, in an order no foreign key
// minds (children first). Every delete — lab:clear's, prune's — runs it, and a test checks that
// every table with an episode_id or session_key column is in it, so a new table cannot be missed.
import type { Db } from './db.ts';

/** Tables whose rows belong to an episode (by episode_id), removed before it; calls and turns follow. */
export const EPISODE_CHILDREN = ['alerts', 'rewards', 'history_messages'] as const;
/** Tables whose rows belong to a session itself (by session_key), removed before it. */
export const SESSION_CHILDREN = ['alerts', 'log_chunks', 'gateway_seats'] as const;
/** Tables the plan handles in its own steps (or that are the parents themselves). */
export const PLANNED = ['upstream_calls', 'turns', 'episodes', 'sessions', ...EPISODE_CHILDREN, ...SESSION_CHILDREN];

/**
 * Removes the episodes listed in the temp table `set` (column `id`) with everything recorded under
 * them. Episodes that replayed one of them and forks of their calls elsewhere keep their own record
 * but lose the link.
 */
export function deleteEpisodes(db: Db, set: string): void {
  const chosen = `episode_id IN (SELECT id FROM ${set})`;
  db.run(`UPDATE episodes SET replay_of = NULL WHERE replay_of IN (SELECT id FROM ${set})`);
  db.run(`UPDATE upstream_calls SET fork_of = NULL WHERE fork_of IN (SELECT id FROM upstream_calls WHERE ${chosen})
    AND NOT ${chosen}`);
  db.run(`DELETE FROM search_text WHERE rowid IN (SELECT seq FROM upstream_calls WHERE ${chosen})`);
  for (const table of EPISODE_CHILDREN) db.run(`DELETE FROM ${table} WHERE ${chosen}`);
  db.run(`DELETE FROM upstream_calls WHERE ${chosen} AND fork_of IS NOT NULL`);
  db.run(`DELETE FROM upstream_calls WHERE ${chosen}`);
  db.run(`DELETE FROM turns WHERE ${chosen}`);
  db.run(`DELETE FROM episodes WHERE id IN (SELECT id FROM ${set})`);
}

/** Removes the sessions listed in the temp table `set` (column `key`), which hold no episode any more. */
export function deleteSessions(db: Db, set: string): number {
  for (const table of SESSION_CHILDREN) db.run(`DELETE FROM ${table} WHERE session_key IN (SELECT key FROM ${set})`);
  return db.run(`DELETE FROM sessions WHERE key IN (SELECT key FROM ${set})`).changes;
}

/** A temp table of ids (or keys), emptied for a new delete. */
export function tempSet(db: Db, name: string, column: 'id' | 'key'): string {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${name} (${column} TEXT PRIMARY KEY)`);
  db.run(`DELETE FROM temp.${name}`);
  return `temp.${name}`;
}
