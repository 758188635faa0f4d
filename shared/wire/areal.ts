// AReaL agent-service and inference-proxy shapes that Trajscope keeps wire-compatible.

export interface EpisodeStartAnswer {
  /** What AReaL's agent service answers; the rest is ours. */
  status: 'ok';
  session_key: string;
  episode_id: string;
  episode_index: number;
  session_api_key: string;
}

export interface TurnAnswer {
  summary: string;
  metadata: {
    turn_id: string;
    episode_id: string;
    tool_calls: Array<{ name: string; input: unknown }>;
    [key: string]: unknown;
  };
  events: Array<Record<string, unknown>>;
}

export interface EpisodeEndAnswer {
  status: 'ok';
  /** null: nothing was open (AReaL answers that with 200 too). */
  episode_id: string | null;
  reward: number | null;
  turns: number;
}

export interface ErrorBody {
  error: { message: string; type: string };
}
