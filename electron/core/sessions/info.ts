// What the sessions rail shows of a session: its stored facts, its counts, and its process.
import type { SessionInfo } from '../../../shared/domain.ts';
import type { SessionDeps } from './types.ts';
import { capabilitiesOf } from '../../../shared/runtimes.ts';

export function sessionInfo(deps: SessionDeps, key: string, currentTurn: string | null): SessionInfo | null {
  const row = deps.store.sessions.get(key);
  if (!row) return null;
  const stats = deps.store.sessions.stats(key);
  const gateway = deps.runtimes[row.runtime]?.describe?.(key) ?? null;
  const state = row.closedAt !== null ? 'closed' : (gateway?.state ?? (currentTurn ? 'busy' : 'idle'));
  return {
    key,
    runtime: row.runtime,
    capabilities: capabilitiesOf(row.runtime),
    origin: row.origin,
    state,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
    ...stats,
    gateway,
  };
}
