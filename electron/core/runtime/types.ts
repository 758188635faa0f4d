// The AgentRuntime contract the DataProxy drives: one call per turn, plus optional episode hooks.
import type { GatewayInfo, HistoryMessage, IsolationMode, RuntimeKind, ToolCall } from '../../../shared/domain.ts';
import type { UpstreamTarget } from '../model-client/forward.ts';
import { ChatError, type ChatSink } from '../model-client/stream-chat.ts';

/** What a runtime needs to run one turn. `upstream` is the recorder, keyed by the episode. */
export interface TurnRequest {
  sessionKey: string;
  episodeId: string;
  turnId: string;
  history: HistoryMessage[];
  message: string;
  upstream: UpstreamTarget;
  metadata: Record<string, unknown>;
  signal?: AbortSignal;
}

/** Live output of a turn, for streaming front doors and the UI. */
export interface TurnEmitter extends ChatSink {
  toolCall(call: ToolCall): void;
}

export interface TurnResult {
  text: string;
  toolCalls: ToolCall[];
  events: Array<Record<string, unknown>>;
  metadata?: Record<string, unknown>;
}

/** The episode a runtime is being told about, as a trainer knows it. */
export interface TrainingContext {
  episodeId: string;
  upstreamKey: string;
  taskId: string | null;
  /** The model the episode's calls ask the recorder for. */
  model: string;
}

/** Settings of one session that differ from the engine's (a replay or a group with overrides). */
export interface SessionRunOptions {
  isolation?: IsolationMode;
  /** An OpenClaw config overlay merged over the engine's for this session's gateways. */
  overlay?: Record<string, unknown>;
  /** One x-openclaw-session-key for every turn (reproduces double feed). */
  stableSessionKey?: boolean;
  /** A workspace dir other than the session's own (a leak-lab fault: another session's). */
  workspace?: string;
}

export interface AgentRuntime {
  readonly kind: RuntimeKind;
  /**
   * The runtime makes every model call of a turn itself, so the tool calls it reports are exactly
   * the recorded ones (an agent process runs tools of its own that only the recorder sees).
   */
  readonly makesEveryCall?: boolean;
  /** Applies per-session settings before the session's first episode; runtimes they mean nothing to ignore them. */
  configure?(sessionKey: string, options: SessionRunOptions): void;
  run(request: TurnRequest, emitter: TurnEmitter): Promise<TurnResult>;
  /** An upstream key the runtime is already bound to, for the session's next episode (saves a rebind). */
  proposeEpisodeKey?(sessionKey: string): string | null;
  onEpisodeStart?(sessionKey: string, ctx: TrainingContext): Promise<void>;
  onEpisodeEnd?(sessionKey: string, ctx: TrainingContext): Promise<void>;
  /** Process facts for the sessions rail; runtimes without a process return null. */
  describe?(sessionKey: string): GatewayInfo | null;
  closeSession(sessionKey: string): Promise<void>;
  closeAll(): Promise<void>;
}

/** A turn failure with the status the DataProxy should answer (502 broken, 504 too slow). */
export class RuntimeError extends ChatError {}

export const NO_EMITTER: TurnEmitter = { delta: () => {}, toolCall: () => {} };
