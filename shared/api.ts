// The one typed contract between the engine and any UI: invoke channels (request → response)
// and event channels (engine → UI). Preload, Electron main and the headless server derive their
// allow-lists from these maps, so a channel that is not declared here cannot be called.
// Over 300 lines: it is the one contract; split, a channel's request and response would live apart.
import { z } from 'zod';
import { configPatch, type ConfigView } from './config.ts';
import {
  STARTABLE_RUNTIMES,
  type Alert,
  type AlertKind,
  type AlertKindInfo,
  type Episode,
  type GatewayStats,
  type LogChunk,
  type Page,
  type PruneResult,
  type SearchHit,
  type StorageStats,
  type Reward,
  type RuntimeKind,
  type SessionInfo,
  type Severity,
  type Turn,
  type TurnDetail,
  type UpstreamCall,
  type UpstreamCallDetail,
  type Unanswered,
} from './domain.ts';
import { EVENT_CHANNEL_NAMES, INVOKE_CHANNEL_NAMES } from './channels.ts';
import type { ErrorType } from './errors.ts';
import type { ImportFormat } from './imported.ts';
import type { ForeignContent, HostStatus } from './hosts.ts';
import type { Progress } from './progress.ts';
import type { ResourceSeries } from './resources.ts';
import { REWARD_TASK_ROWS, type AlertTimes, type CallStats, type PromptSizes, type RewardStats } from './stats.ts';
import {
  runOverrides,
  type EpisodeComparison,
  type GroupSummary,
  type GroupView,
  type ReplayStarted,
  type UpstreamConnection,
} from './rollouts.ts';
import { rewardValue, sessionKey } from './schemas.ts';

export interface AppInfo {
  version: string;
  dataDir: string;
  defaultRuntime: RuntimeKind;
  runtimes: RuntimeKind[];
  openclaw: {
    available: boolean;
    version: string | null;
    path: string | null;
    problem: string | null;
    /** Why the warm pool could not start a gateway, if it could not. */
    poolError: string | null;
  };
  proxyUrl: string;
  upstreamUrl: string;
  /** Where new episodes' model calls go. */
  upstream: { kind: 'scripted' | 'remote'; url: string | null; model: string };
  /** Every gateway running now (then `gateways:stats` events). */
  gateways: GatewayStats;
  /** Parts of the engine that stopped working (then `engine:health` events). */
  health: EngineHealth;
  /** Every kind of alert the engine's detectors can raise, with its label, severity and fix. */
  alertKinds: AlertKindInfo[];
}

/** A part of the engine that stopped on its own (a server that closed, a store that cannot write). */
export interface EngineHealth {
  down: Array<{ part: string; why: string; at: number }>;
}

/** What the UI itself keeps: labeling scale, theme, labeler name, layout. Engine settings are config. */
export interface Settings {
  rewardScale: number[];
  theme: 'dark' | 'light' | 'system';
  labeler: string;
  /** The gateway log pane: its height in CSS pixels, and whether it is folded to its bar. */
  logPane: { height: number; collapsed: boolean };
}

/** The answer of "Test connection": the models the upstream lists, or exactly why it cannot. */
export interface UpstreamProbe {
  ok: boolean;
  models: string[];
  message: string;
}

/** A notice from the engine about something that failed with no caller to answer. */
export interface Notice {
  level: 'warning' | 'error';
  message: string;
  at: number;
}

const empty = z.strictObject({});

/** Token ids as the token view shows them: each id's text, and which are special tokens. */
export interface TokenSide {
  ids: number[];
  /** Each id decoded alone ("\uFFFD" where it holds part of a character). */
  texts: string[];
  /** Indexes (into ids) of special tokens (`<|im_start|>` …). */
  special: number[];
}

/** A call's tokens: what the model saw and produced, decoded with the configured tokenizer. */
export interface CallTokens {
  callId: string;
  /** The tokenizer that decoded them (null: it could not be loaded; `tokenizerError` says why). */
  tokenizer: string | null;
  tokenizerError: string | null;
  /** Null: the server returned no token ids for this call (its token checks are off). */
  prompt: TokenSide | null;
  generated: TokenSide | null;
  /** One per generated id (null where the server gave none). */
  logprobs: Array<number | null> | null;
  /** The recorded request rendered with the configured chat template (null where it cannot be). */
  rendered: string | null;
}

/** What an export holds: the same choices as `trajscope export`, for all sessions or one. */
export const exportRequest = z.strictObject({
  sessionKey: sessionKey.optional(),
  /** Episodes nobody rewarded: left out, reward 0 (marked "default"), or reward null. */
  unlabeled: z.enum(['skip', 'zero', 'null']),
  includeLab: z.boolean(),
  includeFailed: z.boolean(),
  dropRetryOrphans: z.boolean(),
  discount: z.number().min(0).max(1),
  /** Token rows in AReaL's tensor-dict shape instead of text lines: one per call, or joined where the prefix holds. */
  tokens: z.enum(['individual', 'concat']).optional(),
  /**
   * On a hub: the engines whose data goes in ("local" is this one), each line tagged with its
   * `host`; all of them, or those named. Absent: this engine's alone, untagged.
   */
  hosts: z
    .union([
      z.literal('all'),
      z
        .array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/))
        .min(1)
        .max(65),
    ])
    .optional(),
});
export type ExportRequest = z.infer<typeof exportRequest>;

/** What an export wrote and left out: the UI's dialog and the CLI's stderr line say the same. */
export interface ExportTally {
  interactions: number;
  /** Episodes that wrote at least one line. */
  episodes: number;
  /** Episodes left out: nobody rewarded them (unlabeled: skip). */
  unlabeled: number;
  /** Episodes left out: the leak lab's (includeLab: false). */
  lab: number;
  /** Calls left out of a token export: their server returned no token ids. */
  noTokenIds: number;
}

/** Where the desktop wrote an export (null: the user cancelled the save dialog). */
export type ExportSaved = (ExportTally & { file: string }) | null;
const id = z.string().min(1).max(100);
// a hub's cursor holds each host's position (hub/merge.ts)
const cursor = z.string().min(1).max(8000);
const limit = z.number().int().min(1).max(1000);

/** Request schemas, one per invoke channel. */
export const invokeRequests = {
  'app:info': empty,
  'settings:get': empty,
  'settings:set': z.strictObject({
    rewardScale: z.array(rewardValue).min(1).max(10).optional(),
    theme: z.enum(['dark', 'light', 'system']).optional(),
    labeler: z.string().min(1).max(200).optional(),
    logPane: z.strictObject({ height: z.number().int().min(60).max(4000), collapsed: z.boolean() }).optional(),
  }),
  'config:get': empty,
  'config:set': configPatch,
  'config:test-upstream': z.strictObject({
    upstreamUrl: z.string().max(2048).optional(),
    upstreamKey: z.string().max(4096).optional(),
    upstreamModel: z.string().max(500).optional(),
  }),
  'sessions:list': z.strictObject({ limit: limit.optional(), cursor: cursor.optional() }),
  'sessions:create': z.strictObject({ key: sessionKey.optional(), runtime: z.enum(STARTABLE_RUNTIMES).optional() }),
  'sessions:close': z.strictObject({ key: sessionKey }),
  'sessions:restart': z.strictObject({ key: sessionKey }),
  'gateways:config': z.strictObject({ sessionKey }),
  'logs:recent': z.strictObject({ sessionKey }),
  'logs:range': z.strictObject({
    sessionKey,
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    limit: z.number().int().min(1).max(20_000).optional(),
  }),
  'episodes:list': z.strictObject({
    sessionKey: sessionKey.optional(),
    status: z.enum(['open', 'ended']).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  }),
  'episodes:start': z.strictObject({ sessionKey, taskId: z.string().max(500).optional() }),
  'episodes:end': z.strictObject({ sessionKey, reward: rewardValue.optional() }),
  'turns:list': z.strictObject({ episodeId: id }),
  'turns:get': z.strictObject({ turnId: id }),
  'turns:send': z.strictObject({ sessionKey, message: z.string().min(1).max(10_000_000) }),
  'calls:list': z.union([z.strictObject({ turnId: id }), z.strictObject({ episodeId: id })]),
  /** The raw response text (a stream can be many MB) comes only with `withRaw`. */
  'calls:get': z.strictObject({ callId: id, withRaw: z.boolean().optional() }),
  'calls:tokens': z.strictObject({ callId: id }),
  'rewards:list': z.strictObject({ episodeId: id }),
  'rewards:set': z.strictObject({
    episodeId: id,
    turnId: id.optional(),
    value: rewardValue,
    note: z.string().max(10_000).optional(),
    rubric: z.string().max(200).optional(),
    /** Who gives it (default: the labeler in Settings); a hub passes its own when it forwards a label. */
    labeler: z.string().min(1).max(200).optional(),
  }),
  'rewards:undo': z.strictObject({ episodeId: id }),
  'alerts:list': z.strictObject({
    sessionKey: sessionKey.optional(),
    episodeId: id.optional(),
    turnId: id.optional(),
    // one the registry knows (AppInfo.alertKinds); the handler refuses any other by name
    kind: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/)
      .optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  }),
  /** Alerts counted by episode and kind: the alert map. */
  'alerts:map': empty,
  /** One session's alerts counted by episode, turn and kind: the alert map zoomed to turns. */
  'alerts:turn-map': z.strictObject({ sessionKey }),
  /** The engines this one shows as a hub (its remotes), reachable or not; empty when it is no hub. */
  'hosts:list': empty,
  /**
   * Settings → Hosts: another engine this one shows as a hub from now on (saved with the other
   * remotes); refused, with nothing saved, when it does not answer or refuses the token.
   */
  'hosts:add': z.strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lower-case letters, digits, ., _ and -'),
    url: z.string().min(1).max(2048),
    token: z.string().min(1).max(256),
  }),
  'hosts:remove': z.strictObject({ name: z.string().min(1).max(63) }),
  /** Live sessions' turns that ended well, newest first: what a hub compares other hosts' prompts with. */
  'analysis:turns': z.strictObject({ limit: limit.optional(), cursor: cursor.optional() }),
  /** Content of recent prompts that nothing on this engine explains, after a place in its log (for a hub). */
  'analysis:foreign': z.strictObject({ after: z.number().int().min(0).optional(), limit: limit.optional() }),
  /**
   * A hub found a call's unexplained content said in a session of another host: raised here, on the
   * engine that holds the call, as that session's cross-session leak (once per turn and source).
   */
  'alerts:cross-host': z.strictObject({
    callId: id,
    sourceHost: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/),
    sourceSessionKey: sessionKey,
    sourceEpisodeId: id,
    sourceTurnId: id,
    spans: z.array(z.string().min(1).max(4096)).min(1).max(20),
  }),
  /** Gateways' and the engine's RSS and CPU over the last `sinceMs` (until `untilMs`, default now). */
  'resources:series': z.strictObject({
    sinceMs: z
      .number()
      .int()
      .min(60_000)
      .max(30 * 24 * 3600_000),
    untilMs: z.number().int().min(0).optional(),
  }),
  /** Episodes' rewards and where they came from, for the reward charts (a session's, or all). */
  'stats:rewards': z.strictObject({
    sessionKey: sessionKey.optional(),
    by: z.enum(['task', 'group']).optional(),
    /** The histogram's range (default: every reward's, and 0–1): a hub asks its hosts for one. */
    domain: z
      .tuple([z.number().finite(), z.number().finite()])
      .refine(([lo, hi]) => lo < hi)
      .optional(),
    /** The tasks (or groups) with rows of their own (default: those with most episodes). */
    rows: z.array(z.string().max(1000)).max(REWARD_TASK_ROWS).optional(),
  }),
  /** Calls' timings and sizes, for the latency and size histograms (a session's, or all). */
  'stats:calls': z.strictObject({ sessionKey: sessionKey.optional() }),
  /** Each turn's largest prompt across an episode (a jump shows an unreset or double-fed history). */
  'stats:prompt-sizes': z.strictObject({ episodeId: id }),
  /** Alerts over time by kind (a session's or one kind's, or all). */
  'stats:alert-times': z.strictObject({
    sessionKey: sessionKey.optional(),
    kind: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/)
      .optional(),
  }),
  /** An exported trajectory file (AReaL's shapes or trajscope JSON Lines), as text. */
  'data:import': z.strictObject({
    name: z.string().min(1).max(500),
    content: z
      .string()
      .min(1)
      .max(64 * 1024 * 1024),
  }),
  /** What an export with these choices would write and leave out, without writing it. */
  'data:export-preview': exportRequest,
  /** Recorded text (what each call added and what came back), newest first. */
  'search:calls': z.strictObject({
    query: z.string().min(1).max(1000),
    sessionKey: sessionKey.optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  }),
  'data:stats': empty,
  /** Long work running now (lab runs, groups, replays) and what finished in the last minute. */
  'progress:list': empty,
  /** Removes episodes by age and/or session (labeled ones kept unless asked); dryRun counts only. */
  'data:prune': z
    .strictObject({
      olderThanDays: z.number().min(0).max(36_500).optional(),
      sessionKeys: z.array(sessionKey).min(1).max(10_000).optional(),
      includeLabeled: z.boolean().optional(),
      dryRun: z.boolean().optional(),
    })
    .refine((r) => r.olderThanDays !== undefined || r.sessionKeys !== undefined, {
      message: 'say what to prune: olderThanDays, sessionKeys or both',
    }),
  'data:vacuum': empty,
  'lab:list': empty,
  'lab:run': z.strictObject({ scenario: z.string().min(1).max(100) }),
  /** Removes every session a lab run left in the workbench, with all it recorded. */
  'lab:clear': empty,
  'upstreams:list': empty,
  'upstreams:set-tokenizer': z.strictObject({ upstream: id, tokenizer: z.string().min(1).max(4096).nullable() }),
  /**
   * Re-sends a recorded call: as recorded, or an edited request (an object, or raw JSON text kept as
   * typed), to its episode's upstream or another connection. The original is never changed.
   */
  'calls:fork': z.strictObject({
    callId: id,
    request: z
      .union([
        z
          .string()
          .min(2)
          .max(64 * 1024 * 1024),
        z.record(z.string(), z.unknown()),
      ])
      .optional(),
    upstream: z.string().min(1).max(100).optional(),
  }),
  'calls:forks': z.strictObject({ callId: id }),
  'episodes:replay': z.strictObject({ episodeId: id, overrides: runOverrides.optional() }),
  'episodes:compare': z.strictObject({ episodeId: id, otherId: id }),
  /** N rollouts of one task: the same user messages through N fresh sessions at once. */
  'groups:start': z.strictObject({
    messages: z.array(z.string().min(1).max(100_000)).min(1).max(50),
    size: z.number().int().min(2).max(32),
    taskId: z.string().min(1).max(500).optional(),
    overrides: runOverrides.optional(),
  }),
  'groups:list': z.strictObject({ limit: limit.optional(), cursor: cursor.optional() }),
  'groups:get': z.strictObject({ groupId: id }),
} as const;

/** Response types, one per invoke channel. */
export interface InvokeResponses {
  'app:info': AppInfo;
  'settings:get': Settings;
  'settings:set': Settings;
  'config:get': ConfigView;
  'config:set': ConfigView;
  'config:test-upstream': UpstreamProbe;
  'sessions:list': Page<SessionInfo>;
  'sessions:create': SessionInfo;
  'sessions:close': { ok: true };
  'sessions:restart': SessionInfo;
  'gateways:config': { config: Record<string, unknown> | null; binary: AppInfo['openclaw'] };
  'logs:recent': LogChunk[];
  'logs:range': LogChunk[];
  'episodes:list': Page<Episode>;
  'episodes:start': Episode;
  'episodes:end': Episode;
  'turns:list': Turn[];
  'turns:get': TurnDetail;
  'turns:send': Turn;
  'calls:list': UpstreamCall[];
  'calls:get': UpstreamCallDetail;
  'calls:tokens': CallTokens;
  'rewards:list': Reward[];
  'rewards:set': Reward;
  'rewards:undo': { removed: Reward | null };
  'alerts:list': Page<Alert>;
  'alerts:map': AlertMap;
  'hosts:list': HostStatus[];
  'hosts:add': HostStatus[];
  'hosts:remove': HostStatus[];
  'analysis:turns': Page<Turn>;
  'analysis:foreign': { items: ForeignContent[]; last: number };
  'alerts:cross-host': { alert: Alert | null };
  'alerts:turn-map': TurnAlertMap;
  'resources:series': ResourceSeries;
  'stats:rewards': RewardStats;
  'stats:calls': CallStats;
  'stats:prompt-sizes': PromptSizes;
  'stats:alert-times': AlertTimes;
  'data:import': ImportResult;
  'data:export-preview': ExportTally;
  /** Each scenario with its last verdict (kept until the lab data is removed; null: never run). */
  'lab:list': Array<{
    name: string;
    description: string;
    expected: AlertKind[];
    lastVerdict: (LabVerdict & { at: number }) | null;
  }>;
  'lab:run': LabVerdict;
  'lab:clear': { removed: number };
  'search:calls': Page<SearchHit> & { pending: number };
  'data:stats': StorageStats;
  'progress:list': Progress[];
  'data:prune': PruneResult;
  'data:vacuum': { before: number; after: number };
  'upstreams:list': UpstreamConnection[];
  'upstreams:set-tokenizer': UpstreamConnection[];
  'calls:fork': UpstreamCall;
  'calls:forks': UpstreamCall[];
  'episodes:replay': ReplayStarted;
  'episodes:compare': EpisodeComparison;
  'groups:start': { groupId: string; sessionKeys: string[] };
  'groups:list': Page<GroupSummary>;
  'groups:get': GroupView;
}

/** What a leak-lab scenario ended with (also the JSON of `trajscope lab run --json`). */
export interface LabVerdict {
  scenario: string;
  expected: AlertKind[];
  /** The sessions the run left in the workbench (marked as lab data). */
  sessionKeys: string[];
  alerts: Array<{
    id: string;
    kind: AlertKind;
    severity: Severity;
    sessionKey: string | null;
    episodeId: string | null;
    turnId: string | null;
    evidence: unknown[];
  }>;
  pass: boolean;
}

/** What an import made: a read-only session per source session, an episode per exported trajectory. */
export interface ImportResult {
  /** The first of `sessionKeys` (where the UI goes). */
  sessionKey: string;
  sessionKeys: string[];
  format: ImportFormat;
  episodes: string[];
  interactions: number;
  alerts: number;
}

/** The error of a failed invoke, the same over IPC and HTTP. */
export interface InvokeError {
  status: number;
  type: ErrorType;
  message: string;
}

/** How every invoke answer travels (IPC reply, HTTP body). */
export type InvokeEnvelope<T = unknown> = { ok: true; result: T } | { ok: false; error: InvokeError };

export type InvokeChannel = keyof typeof invokeRequests;
export type InvokeRequest<K extends InvokeChannel> = z.input<(typeof invokeRequests)[K]>;
export type InvokeResponse<K extends InvokeChannel> = InvokeResponses[K];

/** Events the engine pushes; payloads are batched per channel on the wire. */
export interface EventPayloads {
  'sessions:changed': SessionInfo;
  /** Sessions deleted with everything recorded under them (lab data removed). */
  'sessions:removed': { keys: string[] };
  'episodes:changed': Episode;
  'turns:changed': Turn;
  'calls:recorded': UpstreamCall;
  'rewards:changed': Reward;
  'alerts:raised': Alert;
  'logs:chunk': LogChunk;
  'config:changed': ConfigView;
  'notices:raised': Notice;
  'gateways:stats': GatewayStats;
  'progress:changed': Progress;
  'engine:health': EngineHealth;
  'hosts:changed': HostStatus[];
}
export type EventChannel = keyof EventPayloads;

export const INVOKE_CHANNELS = INVOKE_CHANNEL_NAMES satisfies readonly InvokeChannel[];
export const EVENT_CHANNELS = EVENT_CHANNEL_NAMES satisfies readonly EventChannel[];

// These fail the build when the name lists in channels.ts and the maps above drift apart.
type MissingInvoke = Exclude<InvokeChannel, (typeof INVOKE_CHANNEL_NAMES)[number]>;
type MissingEvent = Exclude<EventChannel, (typeof EVENT_CHANNEL_NAMES)[number]>;
const _invokeListed: MissingInvoke extends never ? true : never = true;
const _eventsListed: MissingEvent extends never ? true : never = true;
void _invokeListed;
void _eventsListed;

/** One batch of events as it crosses IPC or the WebSocket. */
export interface EventBatch {
  channel: EventChannel;
  payloads: unknown[];
}

/** What the renderer talks to, whichever host it runs in. */
export interface WorkbenchApi {
  invoke<K extends InvokeChannel>(channel: K, request: InvokeRequest<K>): Promise<InvokeResponse<K>>;
  on<K extends EventChannel>(channel: K, listener: (payload: EventPayloads[K]) => void): () => void;
  /**
   * Called each time the event stream is (re)established. Events sent while it was down are
   * lost, so the store reloads what it mirrors. A stream that cannot drop never calls it.
   */
  onConnected(listener: () => void): () => void;
  /**
   * Called when the engine stops answering (its event stream closed or went silent, an invoke could
   * not reach it): `unreachable`; or when what answers at its address is a newer run that does not
   * take this page's credential: `other_run`.
   */
  onDisconnected(listener: (why: 'unreachable' | 'other_run') => void): () => void;
  /**
   * Writes an export where the user wants it: a download in a browser, a file picked in the save
   * dialog on the desktop. Resolves with what was written (null: cancelled).
   */
  saveExport(request: ExportRequest): Promise<ExportSaved>;
}

export function isInvokeChannel(name: string): name is InvokeChannel {
  return Object.hasOwn(invokeRequests, name);
}

/** One session's alerts by episode, turn (null: on no turn) and kind, oldest episode first (≤ 50,000 cells). */
export interface TurnAlertMap {
  cells: Array<{
    episodeId: string;
    episodeIndex: number;
    turnId: string | null;
    turnIndex: number | null;
    kind: AlertKind;
    count: number;
    firstAt: number;
  }>;
  truncated: boolean;
}

/**
 * How many alerts of each kind each episode raised (the alert map), as parallel columns: cell i is
 * episode `episodeIndex[i]` (`episodeId[i]`) of `sessions[session[i]]`, which raised
 * `count[i]` alerts of `kinds[kind[i]]`, the first at `firstAt[i]`. Sessions oldest alert first.
 */
export interface AlertMap {
  sessions: string[];
  kinds: AlertKind[];
  cells: {
    session: number[];
    episodeIndex: number[];
    episodeId: string[];
    kind: number[];
    count: number[];
    firstAt: number[];
  };
  /** More cells than the map holds (50,000): the oldest sessions' are shown. */
  truncated: boolean;
  /** A hub's map: the hosts that did not answer, so their alerts are not in it. */
  unanswered?: Unanswered[];
}
