// Runtime validation of every payload that crosses a boundary (HTTP bodies, IPC, scenario files).
import { z } from 'zod';

export const SESSION_KEY = /^[A-Za-z0-9._:@-]{1,200}$/;
export const sessionKey = z.string().regex(SESSION_KEY, 'session key must be 1-200 chars of [A-Za-z0-9._:@-]');

/**
 * A reward is a real, finite number within ±1e9: NaN, Infinity and strings are refused, and the
 * bound keeps every discounted sum over an episode finite (two rewards of 1.7e308 add up to ∞).
 */
export const MAX_REWARD = 1e9;
export const rewardValue = z
  .number({ error: 'reward must be a number' })
  .finite('reward must be finite')
  .min(-MAX_REWARD, `reward must be at least -${MAX_REWARD}`)
  .max(MAX_REWARD, `reward must be at most ${MAX_REWARD}`);

const metadata = z.record(z.string(), z.unknown());

export const episodeStartBody = z.strictObject({
  task_id: z.string().max(500).optional(),
  metadata: metadata.optional(),
});

export const turnBody = z
  .strictObject({
    message: z.string().max(10_000_000),
    run_id: z.string().max(200).optional(),
    queue_mode: z.string().max(50).optional(),
    metadata: metadata.optional(),
    inf_base_url: z.url({ protocol: /^https?$/ }).optional(),
    session_api_key: z.string().min(1).max(500).optional(),
    inf_model: z.string().max(200).optional(),
  })
  .refine((b) => (b.inf_base_url === undefined) === (b.session_api_key === undefined), {
    message: 'inf_base_url and session_api_key must be given together',
  });

export const rewardBody = z.strictObject({
  reward: rewardValue,
  turn_id: z.string().max(100).optional(),
  note: z.string().max(10_000).optional(),
  labeler: z.string().max(200).optional(),
});

export const episodeEndBody = z.strictObject({ reward: rewardValue.optional() });

export const rlStartBody = z.strictObject({
  task_id: z.string().max(500),
  api_key: z.string().min(8).max(200).optional(),
});

export const rlRewardBody = z.strictObject({
  interaction_id: z.string().max(100).optional(),
  reward: rewardValue,
});

export const exportBody = z.strictObject({
  session_id: z.string().max(100),
  discount: z.number().finite().min(0).max(1).optional(),
  style: z.enum(['individual', 'concat']).optional(),
});

/** Scripted-model scenario: rules matched on the current user message, each a list of steps. */
export const scenarioStep = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ tool: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) }),
]);
export const scenarioRule = z.strictObject({
  name: z.string().optional(),
  match: z.union([z.strictObject({ regex: z.string() }), z.strictObject({ contains: z.string() })]).optional(),
  /** Wait this long before answering (to reproduce slow models and to kill things mid-turn). */
  delayMs: z.number().int().min(0).max(600_000).optional(),
  steps: z.array(scenarioStep).min(1),
});
export const scenarioFile = z.strictObject({
  model: z.string().min(1).default('trajscope-scripted'),
  report: z.boolean().default(true),
  maxToolSteps: z.number().int().min(0).max(50).default(6),
  chunkSize: z.number().int().min(1).max(10_000).default(16),
  rules: z.array(scenarioRule),
});
export type Scenario = z.infer<typeof scenarioFile>;
export type ScenarioStep = z.infer<typeof scenarioStep>;

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
