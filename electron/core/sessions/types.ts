// The session manager's contracts: what it needs from the engine, and what a turn and an episode
// start take and give.
import type { RuntimeKind, SessionOrigin, Turn } from '../../../shared/domain.ts';
import type { UpstreamOrigin } from '../../../shared/rollouts.ts';
import type { EngineEvents } from '../events.ts';
import type { AgentRuntime, TurnResult } from '../runtime/types.ts';
import type { Store } from '../store/store.ts';
import type { RewardBook } from './rewards.ts';

export interface SessionDeps {
  store: Store;
  events: EngineEvents;
  rewards: RewardBook;
  runtimes: Partial<Record<RuntimeKind, AgentRuntime>>;
  defaultRuntime(): RuntimeKind;
  /** Base URL (with /v1) of the upstream recorder. */
  recorderUrl(): string;
  /** The upstream connection a new episode binds to now (null: the embedded scripted model). */
  currentUpstream(): string | null;
  /** Stores a connection a caller asked for (inf_base_url on a turn) and returns its id. */
  internUpstream(c: { baseUrl: string; apiKey: string; model: string | null; origin: UpstreamOrigin }): string;
  /** The model name runtimes ask the recorder for, for an episode bound to `upstreamId`. */
  modelOf(upstreamId: string | null): string;
  /** Whether a URL is this engine's own recorder (a TrainingContext may point back at it). */
  isRecorderUrl(url: string): boolean;
  /** Told when an episode ends, however it ended (an external agent's last turn closes then). */
  episodeEnded(episodeId: string): void;
  /** Cancels an episode's upstream calls still in flight (its session is being closed). */
  cancelCalls(episodeId: string, reason: string): void;
  /** Reports a failure that has no caller to answer (an episode-end hook, a background step). */
  warn(message: string): void;
  /** Every session created here carries this origin (a leak-lab engine's are "lab"). */
  origin?: SessionOrigin;
}

export interface TurnInput {
  message: string;
  /** Handed to the runtime as the turn's metadata (AReaL's `metadata` field). */
  metadata?: Record<string, unknown> | null;
  /** Stored with the turn: what the caller sent beyond the message (run_id, queue_mode, …; never a key). */
  requestFields?: Record<string, unknown>;
  inf_base_url?: string | null;
  session_api_key?: string | null;
  inf_model?: string | null;
}

export interface EpisodeOptions {
  taskId?: string;
  metadata?: Record<string, unknown>;
  upstreamKey?: string;
  /** Where the episode's calls go (a TrainingContext's llm_*), instead of Settings' upstream. */
  upstream?: { baseUrl: string; apiKey: string; model: string | null; origin: UpstreamOrigin };
  groupId?: string;
  /** The connection the episode binds to (null: the scripted model), instead of Settings' upstream. */
  upstreamId?: string | null;
  /** The episode this one replays. */
  replayOf?: string;
}

export interface TurnOutcome {
  turn: Turn;
  result: TurnResult;
  episode: { id: string; index: number };
}
