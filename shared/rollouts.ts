// Replays, forks and groups of rollouts: the shapes both sides use, and GRPO's group-relative
// advantage computed one way for the engine, the UI and the export.
import { z } from 'zod';
import { ISOLATION_MODES, STARTABLE_RUNTIMES, type AlertKind, type Episode, type Turn } from './domain.ts';

/** The embedded scripted model, where an upstream connection id is expected. */
export const SCRIPTED = 'scripted';

export const SESSION_KEY_MODES = ['per-turn', 'stable'] as const;

/** What a replay or a group may change from the settings it would otherwise run with. */
export const runOverrides = z.strictObject({
  runtime: z.enum(STARTABLE_RUNTIMES).optional(),
  isolation: z.enum(ISOLATION_MODES).optional(),
  /** An OpenClaw config overlay for this run's gateways (merged over the safe config). */
  openclawConfig: z.record(z.string(), z.unknown()).optional(),
  /** An upstream connection id (upstreams:list), or "scripted". */
  upstream: z.string().min(1).max(100).optional(),
  /** OpenClaw's x-openclaw-session-key: a fresh one per turn (right) or one for all (double feed). */
  sessionKeys: z.enum(SESSION_KEY_MODES).optional(),
});
export type RunOverrides = z.output<typeof runOverrides>;

/**
 * Where an upstream connection came from: Settings or the config (config), the embedded scripted
 * model, an AReaL TrainingContext's llm_base_url, or a turn's own inf_base_url.
 */
export const UPSTREAM_ORIGINS = ['config', 'embedded', 'training_context', 'turn'] as const;
export type UpstreamOrigin = (typeof UPSTREAM_ORIGINS)[number];

export interface UpstreamConnection {
  id: string;
  label: string;
  baseUrl: string | null;
  model: string;
  /** Who first used it. */
  origin: UpstreamOrigin;
  /** New episodes bind to it now. */
  current: boolean;
  /** Its own tokenizer for the token checks (null: the tokenizer setting's; the scripted model's is fixed at start). */
  tokenizer: string | null;
}

/** One side of a turn in a comparison of two episodes. */
export interface TurnSide {
  turnId: string;
  status: Turn['status'];
  message: string;
  reply: string | null;
  historyLength: number;
  /** The first upstream call's prompt as the model read it (logical messages, one per line). */
  prompt: string;
  /** Its system prompt, apart: it changes for reasons of its own (see system_prompt_drift). */
  system: string;
  toolCalls: Array<{ name: string; arguments: string }>;
  alerts: AlertKind[];
  reward: number | null;
  callCount: number;
}

export interface EpisodeComparison {
  a: Episode;
  b: Episode;
  turns: Array<{ index: number; a: TurnSide | null; b: TurnSide | null }>;
}

export interface ReplayStarted {
  episode: Episode;
  sourceEpisodeId: string;
}

export interface GroupSummary {
  groupId: string;
  taskId: string | null;
  size: number;
  ended: number;
  rewarded: number;
  startedAt: number;
}

export interface Rollout {
  episode: Episode;
  turns: Turn[];
  alerts: number;
  /** (r − mean) / (std + ε) within the group; null without a reward. */
  advantage: number | null;
}

export interface GroupView {
  groupId: string;
  taskId: string | null;
  mean: number | null;
  std: number | null;
  /** Sorted by reward, best first; unrewarded last. */
  rollouts: Rollout[];
}

/** AReaL's defaults for GRPO's group normalization: unbiased std, ε = 1e-5. */
export const ADVANTAGE_EPS = 1e-5;

/**
 * Group-relative advantages as GRPO computes them: (r − mean) / (std + ε) over the rewarded
 * rollouts (unbiased std). With fewer than two rewards there is no spread: std and advantages are null
 * ("–" on screen), where a trainer would fall back to some constant.
 * Unrewarded rollouts get null and do not count.
 */
export function groupAdvantages(rewards: Array<number | null>): {
  advantages: Array<number | null>;
  mean: number | null;
  std: number | null;
} {
  const known = rewards.filter((r): r is number => r !== null);
  if (known.length === 0) return { advantages: rewards.map(() => null), mean: null, std: null };
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  // one reward has no spread: its std and every advantage are unknown ("–"), not a fallback of 1
  if (known.length < 2) return { advantages: rewards.map(() => null), mean, std: null };
  const std = Math.sqrt(known.reduce((a, r) => a + (r - mean) ** 2, 0) / (known.length - 1));
  return {
    advantages: rewards.map((r) => (r === null ? null : (r - mean) / (std + ADVANTAGE_EPS))),
    mean,
    std,
  };
}
