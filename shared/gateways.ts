// What the engine says about its OpenClaw gateways: a session's gateway, their memory, their count.
import type { SessionState } from './session-kinds.ts';

/** per-session: a gateway process of its own per session; shared: sessions as agents of shared gateways. */
export const GATEWAY_MODES = ['per-session', 'shared'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

/** OpenClaw's own memory-pressure lines from a gateway: the latest, and how many there were. */
export interface MemoryPressure {
  /** warning or critical (OpenClaw's words). */
  level: string;
  reason: string;
  rssBytes: number | null;
  count: number;
  lastAt: number;
}

/** Every OpenClaw gateway this engine runs, for the status bar: the workbench's and lab runs'. */
export interface GatewayStats {
  alive: number;
  rssBytes: number;
  /** Warm in the pool, waiting for a session. */
  pooled: number;
  /** Started by a leak-lab run (stopped when the run ends). */
  lab: number;
  /** Reporting memory pressure. */
  underPressure: number;
  /** Running but not sampled yet (just spawned): their memory is not in `rssBytes`. */
  unmeasured: number;
}

export interface GatewayInfo {
  gatewayId: string | null;
  pid: number | null;
  port: number | null;
  state: SessionState;
  rssBytes: number | null;
  cpuPercent: number | null;
  startedAt: number | null;
  restarts: number;
  exitCode: number | null;
  /** On a shared gateway: the session's agent, and how many sessions the gateway holds. */
  shared: { agentId: string; sessions: number } | null;
  /** OpenClaw said its memory is under pressure (null: it has not). */
  memoryPressure: MemoryPressure | null;
}
