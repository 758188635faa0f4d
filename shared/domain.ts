// The workbench's domain objects, as the engine stores them and every view reads them.
// Over 300 lines: one catalogue of shapes that refer to each other; split, each part would import the rest.

// Each closed set of names is spelled once, as a const list; schemas and views derive from it.
import type { RuntimeKind, SessionState } from './session-kinds.ts';
export { RUNTIME_KINDS, SESSION_STATES, type RuntimeKind, type SessionState } from './session-kinds.ts';
/** Runtimes a session can be created with (an external agent's sessions come from its own calls). */
export const STARTABLE_RUNTIMES = ['direct', 'openclaw'] as const;
/** Where a session came from: run here, an agent that is not ours, an imported export, the leak lab. */
export const SESSION_ORIGINS = ['live', 'external', 'imported', 'lab'] as const;
export type SessionOrigin = (typeof SESSION_ORIGINS)[number];
export const ISOLATION_MODES = ['rebind', 'fresh'] as const;
export type IsolationMode = (typeof ISOLATION_MODES)[number];
export type EpisodeStatus = 'open' | 'ended';
export type TurnStatus = 'running' | 'ok' | 'failed' | 'cancelled';
export type RewardSource = 'human' | 'api' | 'default';
/** A label is given to a whole episode, one turn, or one interaction (upstream call). */
export const REWARD_SCOPES = ['episode', 'turn', 'interaction'] as const;
export type RewardScope = (typeof REWARD_SCOPES)[number];
export type Severity = 'info' | 'warning' | 'error';

/**
 * How an upstream call ended. Only `complete` calls are training data: exports leave the others out,
 * and the UI shows them as failed (what arrived is kept for inspection).
 */
export const CALL_OUTCOMES = {
  complete: 'the reply arrived whole',
  error: 'the upstream answered with an error',
  truncated: 'the stream broke or ended before the reply was complete',
  malformed: 'the answer could not be read as a reply',
  too_large: 'the answer passed the size limit (responseLimit, sseLineLimit) and was cut off',
  timeout: 'no answer in time',
  unreachable: 'the upstream could not be reached',
  cancelled: 'the caller went away (session closed or client disconnected)',
  interrupted: 'the host stopped during the call',
} as const;
export type CallOutcome = keyof typeof CALL_OUTCOMES;

/**
 * A kind of alert, as the engine's detector registry names it (electron/core/analysis/registry.ts).
 * Not a closed list here: a user's own detector adds kinds, and every view learns them, with their
 * labels, from `AppInfo.alertKinds`.
 */
export type AlertKind = string;

/** One kind of alert as the UI shows it and docs/leaks.md lists it. */
export interface AlertKindInfo {
  kind: AlertKind;
  /** Short, lower case: the badge on an alert card. */
  label: string;
  severity: Severity;
  /** What it means, one sentence. */
  means: string;
  /** What to do about it, one line. */
  fix: string;
  /** The detector that raises it. */
  detector: string;
}

/** One page of a list; `next` is the cursor of the following page (null: this was the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
  /** A hub's list: the hosts that did not answer, so their items are not in it (hub/merge.ts). */
  unanswered?: Unanswered[];
}

/** A host of a hub that did not answer, and why. */
export interface Unanswered {
  host: string;
  error: string;
}

/** A recorded call whose text matches a search; the snippet marks matches with \u0001 … \u0002. */
export interface SearchHit {
  callId: string;
  seq: number;
  sessionKey: string;
  episodeId: string;
  turnId: string | null;
  startedAt: number;
  snippet: string;
}

/** What a prune removed (or, dry run, would remove). */
export interface PruneResult {
  episodes: number;
  calls: number;
  sessions: number;
  /** Episodes that matched but were kept because they carry a human label. */
  keptLabeled: number;
  /** Log files no longer indexed by anything, deleted. */
  logFiles: number;
  dryRun: boolean;
}

/** The data dir at a glance (Settings → Storage). */
export interface StorageStats {
  bytes: number;
  sessions: number;
  episodes: number;
  calls: number;
  /** Calls recorded but not yet in the search index. */
  searchPending: number;
  oldestAt: number | null;
}

/** One message of a session's history, as the DataProxy replays it. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A tool call as an agent made it, arguments kept as the raw JSON text the model produced. */
export interface ToolCall {
  index: number;
  id: string;
  name: string;
  arguments: string;
}

/** A tool call of a turn, with what the agent fed back for it (older turns carry neither field). */
export interface TurnToolCall extends ToolCall {
  /** The tool message the agent sent back in the turn's later requests; null when none came. */
  result?: string | null;
  /** Why the tool failed, when its result says so (OpenClaw's status "error", an error payload). */
  error?: string | null;
}

import type { GatewayInfo } from './gateways.ts';
import type { SessionHost } from './hosts.ts';
import type { RuntimeCapabilities } from './runtimes.ts';
export * from './gateways.ts';

export interface SessionInfo {
  key: string;
  runtime: RuntimeKind;
  /** What its runtime can do (shared/runtimes.ts): views decide by these, not by the runtime's name. */
  capabilities: RuntimeCapabilities;
  origin: SessionOrigin;
  state: SessionState;
  createdAt: number;
  closedAt: number | null;
  episodeCount: number;
  openEpisodeId: string | null;
  turnCount: number;
  lastReward: number | null;
  alertCount: number;
  /** Turns with a failed tool call. */
  toolErrorTurns: number;
  /** Complete calls whose server returned token ids, and those it did not (their token checks are off). */
  callsWithTokenIds: number;
  callsWithoutTokenIds: number;
  gateway: GatewayInfo | null;
  /** On a hub: the engine the session lives on (absent: this one). */
  host?: SessionHost;
}

export interface Episode {
  id: string;
  sessionKey: string;
  index: number;
  taskId: string | null;
  metadata: Record<string, unknown>;
  upstreamKey: string;
  /** The upstream connection the episode is bound to (null: the embedded scripted model). */
  upstreamId: string | null;
  /** The group of rollouts this episode is one of (AReaL's group_size, or a group started here). */
  groupId: string | null;
  /** The episode this one re-ran (episodes:replay), if any. */
  replayOf: string | null;
  status: EpisodeStatus;
  startedAt: number;
  endedAt: number | null;
  reward: number | null;
  rewardSource: RewardSource | null;
  turnCount: number;
  callCount: number;
}

export interface Turn {
  id: string;
  episodeId: string;
  sessionKey: string;
  index: number;
  status: TurnStatus;
  message: string;
  reply: string | null;
  /** How many history messages were replayed into this turn (the episode's first N). */
  historyLength: number;
  toolCalls: TurnToolCall[];
  /** How many of the turn's tool calls failed (their result says so). */
  toolErrors: number;
  error: string | null;
  startedAt: number;
  endedAt: number | null;
  callCount: number;
  /** What the caller sent with the turn beyond the message (AReaL's run_id, queue_mode, metadata, …). */
  metadata: Record<string, unknown>;
  /** Inferred from an external agent's calls (a new user message starts a turn), not run here. */
  inferred: boolean;
}

/** A turn with the exact history the DataProxy replayed into it. */
export interface TurnDetail extends Turn {
  history: HistoryMessage[];
}

export interface UpstreamResponseSummary {
  id: string | null;
  model: string | null;
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: string | null;
  usage: Record<string, unknown> | null;
  logprobs: unknown[] | null;
  /** The generated token ids, as the server gave them (vLLM's `return_token_ids`); null: none given. */
  tokenIds: number[] | null;
  /** The prompt's token ids as the server rendered and encoded it; null: none given. */
  promptTokenIds?: number[] | null;
  chunkCount: number;
  malformedChunks: number;
  streamed: boolean;
}

export interface UpstreamCall {
  id: string;
  seq: number;
  upstreamKey: string;
  sessionKey: string;
  episodeId: string;
  turnId: string | null;
  outsideTurn: boolean;
  path: string;
  status: number | null;
  /** How the call ended (null while in flight); only `complete` calls are good training data. */
  outcome: CallOutcome | null;
  error: string | null;
  startedAt: number;
  firstByteAt: number | null;
  endedAt: number | null;
  requestBytes: number;
  response: UpstreamResponseSummary | null;
  /** The recorded call this one is an edited re-send of (calls:fork); forks are never training data. */
  forkOf: string | null;
  /** Where a fork was sent: an upstream connection id, or "scripted" for the embedded model. */
  forkUpstream: string | null;
  /**
   * Fields the recorder added to the request it forwarded (`return_token_ids`, `logprobs`): the
   * agent's request is stored as sent, the server got these too, the agent's answer lacks them.
   */
  addedFields: string[];
}

/** An upstream call with its request exactly as received. */
export interface UpstreamCallDetail extends UpstreamCall {
  requestHeaders: Record<string, string>;
  requestBody: string;
  rawResponse: string | null;
}

export interface Reward {
  id: string;
  episodeId: string;
  turnId: string | null;
  callId: string | null;
  value: number;
  source: RewardSource;
  labeler: string | null;
  note: string | null;
  rubric: string | null;
  createdAt: number;
}

export interface AlertEvidence {
  text: string;
  sourceEpisodeId?: string | null;
  sourceTurnId?: string | null;
  detail?: string;
  /** A token alert's position (0-based) in its call's prompt ids: the token view opens there. */
  tokenPosition?: number;
  /** The earlier call a token alert compares with (the token view shows the two side by side). */
  sourceCallId?: string;
  /** Where the source is, by the numbers people read (filled when the alert is stored). */
  source?: { sessionKey: string; episodeIndex: number; turnIndex: number | null };
}

export interface Alert {
  id: string;
  kind: AlertKind;
  severity: Severity;
  sessionKey: string | null;
  episodeId: string | null;
  turnId: string | null;
  callId: string | null;
  message: string;
  evidence: AlertEvidence[];
  createdAt: number;
  /** The numbers of its episode and turn, as shown everywhere else (absent: not about one). */
  episodeIndex?: number | null;
  turnIndex?: number | null;
}

export interface LogChunk {
  gatewayId: string;
  sessionKey: string | null;
  stream: 'stdout' | 'stderr' | 'system';
  at: number;
  text: string;
}
