// What a hub does with each channel and event: the channels answered by the engine that owns what
// their payload names, the events of a remote told on as the hub's own, and the order of each list
// merged across hosts (the same sort key each engine's own list pages by: store/*-repo.ts).
import type { EventChannel, InvokeChannel } from '../../../shared/api.ts';
import type { Alert, Episode, SearchHit, SessionInfo } from '../../../shared/domain.ts';
import type { GroupSummary } from '../../../shared/rollouts.ts';
import type { MergeOrder } from './merge.ts';

/** Channels answered by the engine that owns what their payload names. */
export const OWNED = [
  'sessions:close',
  'sessions:restart',
  'gateways:config',
  'logs:recent',
  'logs:range',
  'episodes:list',
  'episodes:start',
  'episodes:end',
  'episodes:replay',
  'episodes:compare',
  'turns:send',
  'turns:list',
  'turns:get',
  'calls:list',
  'calls:get',
  'calls:tokens',
  'calls:fork',
  'calls:forks',
  'rewards:list',
  'rewards:set',
  'rewards:undo',
  'alerts:list',
  'alerts:turn-map',
  'stats:prompt-sizes',
  'stats:rewards',
  'stats:calls',
  'stats:alert-times',
  'search:calls',
  'groups:get',
  'alerts:cross-host',
] as const satisfies readonly InvokeChannel[];

export type Owned = (typeof OWNED)[number];

/** Events of a remote told on by the hub: what its sessions did. Its own engine's state is its own. */
export const RELAYED: ReadonlySet<EventChannel> = new Set<EventChannel>([
  'sessions:changed',
  'sessions:removed',
  'episodes:changed',
  'turns:changed',
  'calls:recorded',
  'rewards:changed',
  'alerts:raised',
  'logs:chunk',
]);

const desc = (a: string | number, b: string | number) => (a < b ? 1 : a > b ? -1 : 0);
export const SESSIONS: MergeOrder<SessionInfo> = {
  keyOf: (s) => [s.createdAt, s.key],
  compare: (a, b) => desc(a.createdAt, b.createdAt) || desc(a.key, b.key),
};
export const ALERTS: MergeOrder<Alert> = {
  keyOf: (a) => [a.createdAt, a.id],
  compare: (a, b) => desc(a.createdAt, b.createdAt) || desc(a.id, b.id),
};
export const GROUPS: MergeOrder<GroupSummary> = {
  keyOf: (g) => [g.startedAt, g.groupId],
  compare: (a, b) => desc(a.startedAt, b.startedAt) || desc(a.groupId, b.groupId),
};
// a hit's cursor is its engine's row number; across engines, newest first
export const HITS: MergeOrder<SearchHit> = { keyOf: (h) => [h.seq], compare: (a, b) => desc(a.startedAt, b.startedAt) };
export const episodes = (order: 'asc' | 'desc' | undefined): MergeOrder<Episode> => ({
  keyOf: (e) => [e.startedAt, e.id],
  compare: (a, b) => (order === 'desc' ? 1 : -1) * (desc(a.startedAt, b.startedAt) || desc(a.id, b.id)),
});
