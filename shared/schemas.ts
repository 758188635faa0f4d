// Runtime validation of every payload that crosses a boundary (HTTP bodies, IPC, scenario files).
import { z } from 'zod';

/**
 * Why a session key is refused, or null. Keys are what AReaL accepts: printable text of 1–512
 * characters, spaces and unicode included. Control characters, "/" and the path segments "." and
 * ".." are refused: a key travels in URL paths, headers and file names.
 */
export function sessionKeyProblem(key: string): string | null {
  if (key.length === 0 || key.length > 512) return 'a session key has 1 to 512 characters';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(key)) return 'a session key holds no control characters';
  if (key.includes('/')) return 'a session key holds no "/"';
  if (key === '.' || key === '..') return 'a session key is not "." or ".."';
  return null;
}

export const sessionKey = z.string().superRefine((key, ctx) => {
  const problem = sessionKeyProblem(key);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

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

// The DataProxy's routes are AReaL's: they take what AReaL's Gateway, its controllers and its agent
// services send — fields this build does not use are kept (in the turn's or episode's metadata),
// never refused. Empty strings count as absent, as AReaL reads them.
const absentIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.nullish());

/** episode/start: our fields and AReaL's TrainingContext (its llm_* become the episode's upstream). */
export const episodeStartBody = z
  .looseObject({
    task_id: z.string().max(500).nullish(),
    metadata: metadata.nullish(),
    session_id: z.string().max(500).nullish(),
    llm_base_url: absentIfEmpty(z.url({ protocol: /^https?$/ })),
    llm_api_key: absentIfEmpty(z.string().max(4096)),
    llm_model: z.string().max(500).nullish(),
    extras: metadata.nullish(),
  })
  .refine((b) => (b.llm_base_url == null) === (b.llm_api_key == null), {
    message: 'llm_base_url and llm_api_key must be given together',
  });

export const turnBody = z
  .looseObject({
    message: z.string().max(10_000_000),
    run_id: z.string().max(200).nullish(),
    queue_mode: z.string().max(50).nullish(),
    metadata: metadata.nullish(),
    inf_base_url: absentIfEmpty(z.url({ protocol: /^https?$/ })),
    session_api_key: absentIfEmpty(z.string().min(1).max(500)),
    inf_model: z.string().max(200).nullish(),
  })
  .refine((b) => (b.inf_base_url == null) === (b.session_api_key == null), {
    message: 'inf_base_url and session_api_key must be given together',
  });

export const rewardBody = z.looseObject({
  reward: rewardValue,
  turn_id: z.string().max(100).nullish(),
  note: z.string().max(10_000).nullish(),
  labeler: z.string().max(200).nullish(),
});

/** episode/end: a reward, or null for none (AReaL's agent service sends null). */
export const episodeEndBody = z.looseObject({ reward: rewardValue.nullish() });

// AReaL's inference-proxy routes take what AReaL's clients send: today's fields and the older ones,
// and fields this build does not know are tolerated (AReaL's pydantic models ignore them too).
export const rlStartBody = z.looseObject({
  task_id: z.string().max(500),
  api_key: z.string().min(8).max(200).nullish(),
  group_size: z.number().int().min(0).max(256).optional(),
});

export const rlRewardBody = z.looseObject({
  interaction_id: z.string().max(200).nullish(),
  reward: rewardValue,
  model: z.string().max(500).nullish(),
});

const exportCommon = {
  discount: z.number().finite().min(0).max(1).optional(),
  style: z.enum(['individual', 'concat']).optional(),
  drop_retry_orphans: z.boolean().optional(),
  /** Trajscope's own: token rows (`trajscope export --tokens`) instead of text, `style` joining them. */
  tokens: z.boolean().optional(),
};
/** The older export request: one session. */
export const exportBodyV1 = z.looseObject({ session_id: z.string().max(100), ...exportCommon });
/** Today's export request: several sessions, optionally forgotten afterwards. */
export const exportBodyV2 = z.looseObject({
  session_ids: z.array(z.string().max(100)).min(1, 'session_ids must be a non-empty list').max(10_000),
  group_id: z.string().max(100).nullish(),
  trajectory_id: z.number().int().min(0).nullish(),
  remove_session: z.boolean().optional(),
  ...exportCommon,
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
  /**
   * How the model's server renders the request's tools into the prompt it reports: as sent, or as
   * AReaL's proxy did (areal #1499): each function with `strict: false` added and its keys in
   * another order — the same trajectory, other prompt token ids (planted for template_drift).
   */
  toolSchemas: z.enum(['as_sent', 'strict_false']).default('as_sent'),
  rules: z.array(scenarioRule),
});
export type Scenario = z.infer<typeof scenarioFile>;
export type ScenarioStep = z.infer<typeof scenarioStep>;

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
