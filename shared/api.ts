// The one typed contract between the engine and any UI: invoke channels (request → response)
// and event channels (engine → UI). Preload, Electron main and the headless server derive their
// allow-lists from these maps, so a channel that is not declared here cannot be called.
import { z } from 'zod';
import type {
  Alert, Episode, LogChunk, Reward, RuntimeKind, SessionInfo, Turn, TurnDetail, UpstreamCall, UpstreamCallDetail,
} from './domain.ts';
import { EVENT_CHANNEL_NAMES, INVOKE_CHANNEL_NAMES } from './channels.ts';
import { rewardValue, sessionKey } from './schemas.ts';

export interface AppInfo {
  version: string;
  dataDir: string;
  defaultRuntime: RuntimeKind;
  runtimes: RuntimeKind[];
  openclaw: { available: boolean; version: string | null; problem: string | null };
  proxyUrl: string;
  upstreamUrl: string;
  upstream: { kind: 'scripted' | 'remote'; url: string | null; model: string };
}

export interface Settings {
  rewardScale: number[];
  theme: 'dark' | 'light' | 'system';
  labeler: string;
  /** OpenClaw: per-episode isolation, and the overlay merged over the safe gateway config. */
  isolation: 'rebind' | 'fresh';
  openclawOverlay: Record<string, unknown>;
}

const empty = z.strictObject({});
const id = z.string().min(1).max(100);

/** Request schemas, one per invoke channel. */
export const invokeRequests = {
  'app:info': empty,
  'settings:get': empty,
  'settings:set': z.strictObject({
    rewardScale: z.array(rewardValue).min(1).max(10).optional(),
    theme: z.enum(['dark', 'light', 'system']).optional(),
    labeler: z.string().min(1).max(200).optional(),
    isolation: z.enum(['rebind', 'fresh']).optional(),
    openclawOverlay: z.record(z.string(), z.unknown()).optional(),
  }),
  'sessions:list': empty,
  'sessions:create': z.strictObject({ key: sessionKey.optional(), runtime: z.enum(['direct', 'openclaw']).optional() }),
  'sessions:close': z.strictObject({ key: sessionKey }),
  'sessions:restart': z.strictObject({ key: sessionKey }),
  'gateways:config': z.strictObject({ sessionKey }),
  'logs:recent': z.strictObject({ sessionKey }),
  'logs:range': z.strictObject({ sessionKey, from: z.number().int().min(0), to: z.number().int().min(0), limit: z.number().int().min(1).max(20_000).optional() }),
  'episodes:list': z.strictObject({ sessionKey: sessionKey.optional(), status: z.enum(['open', 'ended']).optional() }),
  'episodes:start': z.strictObject({ sessionKey, taskId: z.string().max(500).optional() }),
  'episodes:end': z.strictObject({ sessionKey, reward: rewardValue.optional() }),
  'turns:list': z.strictObject({ episodeId: id }),
  'turns:get': z.strictObject({ turnId: id }),
  'turns:send': z.strictObject({ sessionKey, message: z.string().min(1).max(10_000_000) }),
  'calls:list': z.strictObject({ turnId: id.optional(), episodeId: id.optional() }),
  /** The raw response text (a stream can be many MB) comes only with `withRaw`. */
  'calls:get': z.strictObject({ callId: id, withRaw: z.boolean().optional() }),
  'rewards:list': z.strictObject({ episodeId: id }),
  'rewards:set': z.strictObject({
    episodeId: id,
    turnId: id.optional(),
    value: rewardValue,
    note: z.string().max(10_000).optional(),
    rubric: z.string().max(200).optional(),
  }),
  'rewards:undo': z.strictObject({ episodeId: id }),
  'alerts:list': z.strictObject({ sessionKey: sessionKey.optional(), episodeId: id.optional() }),
  'lab:list': empty,
  'lab:run': z.strictObject({ scenario: z.string().min(1).max(100) }),
} as const;

/** Response types, one per invoke channel. */
export interface InvokeResponses {
  'app:info': AppInfo;
  'settings:get': Settings;
  'settings:set': Settings;
  'sessions:list': SessionInfo[];
  'sessions:create': SessionInfo;
  'sessions:close': { ok: true };
  'sessions:restart': SessionInfo;
  'gateways:config': { config: Record<string, unknown> | null; binary: AppInfo['openclaw'] };
  'logs:recent': LogChunk[];
  'logs:range': LogChunk[];
  'episodes:list': Episode[];
  'episodes:start': Episode;
  'episodes:end': Episode;
  'turns:list': Turn[];
  'turns:get': TurnDetail;
  'turns:send': Turn;
  'calls:list': UpstreamCall[];
  'calls:get': UpstreamCallDetail;
  'rewards:list': Reward[];
  'rewards:set': Reward;
  'rewards:undo': { removed: Reward | null };
  'alerts:list': Alert[];
  'lab:list': Array<{ name: string; description: string; expected: string[] }>;
  'lab:run': LabVerdict;
}

/** What a leak-lab scenario ended with (also the JSON of `trajscope lab run --json`). */
export interface LabVerdict {
  scenario: string;
  expected: string[];
  alerts: Array<{ kind: string; severity: string; sessionKey: string | null; episodeId: string | null; turnId: string | null; evidence: unknown[] }>;
  pass: boolean;
}

export type InvokeChannel = keyof typeof invokeRequests;
export type InvokeRequest<K extends InvokeChannel> = z.input<(typeof invokeRequests)[K]>;
export type InvokeResponse<K extends InvokeChannel> = InvokeResponses[K];

/** Events the engine pushes; payloads are batched per channel on the wire. */
export interface EventPayloads {
  'sessions:changed': SessionInfo;
  'episodes:changed': Episode;
  'turns:changed': Turn;
  'calls:recorded': UpstreamCall;
  'rewards:changed': Reward;
  'alerts:raised': Alert;
  'logs:chunk': LogChunk;
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
}

export function isInvokeChannel(name: string): name is InvokeChannel {
  return Object.hasOwn(invokeRequests, name);
}
