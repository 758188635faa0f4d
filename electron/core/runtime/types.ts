// The AgentRuntime contract the DataProxy drives: one call per turn, plus optional episode hooks.
import type { GatewayInfo, HistoryMessage, RuntimeKind, ToolCall } from '../../../shared/domain.ts';
import type { UpstreamTarget } from '../upstream/forward.ts';

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
export interface TurnEmitter {
  delta(text: string): void;
  toolCall(call: ToolCall): void;
  /** The runtime's own SSE bytes, for a front door that passes them through unchanged. */
  raw?(chunk: Uint8Array): void;
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
}

export interface AgentRuntime {
  readonly kind: RuntimeKind;
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
export class RuntimeError extends Error {
  readonly status: 502 | 504;
  readonly type: string;
  constructor(status: 502 | 504, message: string, type = status === 504 ? 'upstream_timeout' : 'upstream_error') {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export const NO_EMITTER: TurnEmitter = { delta: () => {}, toolCall: () => {} };
