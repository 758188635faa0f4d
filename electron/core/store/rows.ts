// Row → domain mappers: the only place that knows column names and JSON-encoded columns.
import { unpack } from './codec.ts';
import type {
  Alert,
  AlertKind,
  CallOutcome,
  Episode,
  Reward,
  RewardSource,
  Severity,
  Turn,
  UpstreamCall,
  UpstreamCallDetail,
} from '../../../shared/domain.ts';

export interface EpisodeRow {
  id: string;
  session_key: string;
  idx: number;
  task_id: string | null;
  metadata: string;
  upstream_key: string;
  group_id: string | null;
  replay_of: string | null;
  upstream_id: string | null;
  status: 'open' | 'ended';
  started_at: number;
  ended_at: number | null;
  turn_count: number;
  call_count: number;
  reward: number | null;
  reward_source: RewardSource | null;
}

export interface TurnRow {
  id: string;
  episode_id: string;
  session_key: string;
  idx: number;
  status: Turn['status'];
  message: string;
  reply: string | null;
  history_length: number;
  tool_calls: string;
  tool_errors: number;
  error: string | null;
  started_at: number;
  ended_at: number | null;
  call_count: number;
  metadata: string;
  inferred: number;
}

export interface CallRow {
  id: string;
  seq: number;
  upstream_key: string;
  session_key: string;
  episode_id: string;
  turn_id: string | null;
  outside_turn: number;
  path: string;
  status: number | null;
  outcome: CallOutcome | null;
  error: string | null;
  response: string | null;
  started_at: number;
  first_byte_at: number | null;
  ended_at: number | null;
  request_bytes: number;
  fork_of: string | null;
  fork_upstream: string | null;
  added_fields: string | null;
  request_headers?: string;
  request_body?: Uint8Array;
  request_codec?: string | null;
  /** Text as received, or deflated bytes when raw_codec says so. */
  raw_response?: string | Uint8Array | null;
  raw_codec?: string | null;
}

export interface RewardRow {
  id: string;
  episode_id: string;
  turn_id: string | null;
  call_id: string | null;
  value: number;
  source: RewardSource;
  labeler: string | null;
  note: string | null;
  rubric: string | null;
  created_at: number;
}

export interface AlertRow {
  id: string;
  kind: AlertKind;
  severity: Severity;
  session_key: string | null;
  episode_id: string | null;
  turn_id: string | null;
  call_id: string | null;
  message: string;
  evidence: string;
  created_at: number;
  episode_index?: number | null;
  turn_index?: number | null;
}

export function toEpisode(r: EpisodeRow): Episode {
  return {
    id: r.id,
    sessionKey: r.session_key,
    index: r.idx,
    taskId: r.task_id,
    metadata: JSON.parse(r.metadata),
    upstreamKey: r.upstream_key,
    upstreamId: r.upstream_id,
    groupId: r.group_id,
    replayOf: r.replay_of,
    status: r.status,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    reward: r.reward,
    rewardSource: r.reward_source,
    turnCount: r.turn_count,
    callCount: r.call_count,
  };
}

export function toTurn(r: TurnRow): Turn {
  return {
    id: r.id,
    episodeId: r.episode_id,
    sessionKey: r.session_key,
    index: r.idx,
    status: r.status,
    message: r.message,
    reply: r.reply,
    historyLength: r.history_length,
    toolCalls: JSON.parse(r.tool_calls),
    toolErrors: r.tool_errors,
    error: r.error,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    callCount: r.call_count,
    metadata: JSON.parse(r.metadata),
    inferred: r.inferred === 1,
  };
}

export function toCall(r: CallRow): UpstreamCall {
  return {
    id: r.id,
    seq: r.seq,
    upstreamKey: r.upstream_key,
    sessionKey: r.session_key,
    episodeId: r.episode_id,
    turnId: r.turn_id,
    outsideTurn: r.outside_turn === 1,
    path: r.path,
    status: r.status,
    outcome: r.outcome,
    error: r.error,
    startedAt: r.started_at,
    firstByteAt: r.first_byte_at,
    endedAt: r.ended_at,
    requestBytes: r.request_bytes,
    response: r.response ? JSON.parse(r.response) : null,
    forkOf: r.fork_of,
    forkUpstream: r.fork_upstream,
    addedFields: r.added_fields ? (JSON.parse(r.added_fields) as string[]) : [],
  };
}

export function toCallDetail(r: CallRow): UpstreamCallDetail {
  return {
    ...toCall(r),
    requestHeaders: JSON.parse(r.request_headers ?? '{}'),
    requestBody: unpack(r.request_body, r.request_codec).toString('utf8'),
    rawResponse:
      r.raw_response === null || r.raw_response === undefined
        ? null
        : unpack(r.raw_response, r.raw_codec).toString('utf8'),
  };
}

export function toReward(r: RewardRow): Reward {
  return {
    id: r.id,
    episodeId: r.episode_id,
    turnId: r.turn_id,
    callId: r.call_id,
    value: r.value,
    source: r.source,
    labeler: r.labeler,
    note: r.note,
    rubric: r.rubric,
    createdAt: r.created_at,
  };
}

export function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    sessionKey: r.session_key,
    episodeId: r.episode_id,
    turnId: r.turn_id,
    callId: r.call_id,
    message: r.message,
    evidence: JSON.parse(r.evidence),
    createdAt: r.created_at,
    episodeIndex: r.episode_index ?? null,
    turnIndex: r.turn_index ?? null,
  };
}
