// What one imported interaction and episode hold, and the checks every record goes through before
// anything is stored: types, nesting, sizes, each refusal naming the record and the field.
import { MAX_JSON_DEPTH, valueTooDeep } from '../../../shared/json-depth.ts';
import type { CallOutcome, RewardScope, RewardSource, SessionOrigin } from '../../../shared/domain.ts';

/** The largest single interaction (its request as JSON) an import takes: the recorder's default body limit. */
export const MAX_INTERACTION_BYTES = 32 * 1024 * 1024;

/** A label as the exporter's workbench held it: its value at the interaction it was given to. */
export interface ImportedLabel {
  value: number;
  scope: RewardScope;
  source: RewardSource;
  labeler: string | null;
  rubric: string | null;
  note: string | null;
}

export interface ImportedInteraction {
  /** The request body as sent ({messages} where the file holds only the messages). */
  request: Record<string, unknown> & { messages: unknown[] };
  reply: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  model: string | null;
  finishReason: string | null;
  usage: Record<string, unknown> | null;
  outcome: CallOutcome;
  /** The exporter's return for this interaction (files that carry returns, not labels). */
  reward: number | null;
  /** The label given at this interaction itself (files that carry labels: trajscope JSON Lines). */
  label: ImportedLabel | null;
  /** The turn it belonged to; null: outside any turn; undefined: the file does not say (turns are inferred). */
  turnIndex?: number | null;
  /** When it started (ms), where the file says. */
  startedAt?: number;
  /** The server's token ids and logprobs (vLLM's `logprobs.content` entries), where the file holds them. */
  tokens?: ImportedTokens;
}

export interface ImportedTokens {
  prompt: number[];
  generated: number[];
  /** vLLM's `logprobs.content` entries as the file has them (plain numbers become `{logprob}`). */
  logprobs: Array<Record<string, unknown> & { logprob: number }> | null;
}

/** Ids per list, at most (a 2-million-token context is beyond any model served today). */
const MAX_IDS = 2_000_000;

function ids(v: unknown, where: string): number[] {
  if (!Array.isArray(v) || v.length > MAX_IDS || !v.every((x) => Number.isInteger(x) && x >= 0))
    throw new ImportError(`${where} must be a list of token ids (whole numbers ≥ 0, at most ${MAX_IDS})`);
  return v as number[];
}

/**
 * Token ids and logprobs under the names a file uses for them — trajscope's (`prompt_token_ids`,
 * `token_ids`, `logprobs` as vLLM's entries or numbers) or AReaL's ModelResponse (`input_tokens`,
 * `output_tokens`, `output_logprobs`) — or undefined where it has none. Half of them is refused.
 */
export function tokensOf(o: Record<string, unknown>, names: [string, string, string], where: string) {
  const [p, g, l] = names;
  if (o[p] === undefined && o[g] === undefined) return undefined;
  if (o[p] === null && o[g] === null) return undefined;
  const prompt = ids(o[p], `${where}: ${p}`);
  const generated = ids(o[g], `${where}: ${g}`);
  const raw = o[l];
  let logprobs: ImportedTokens['logprobs'] = null;
  if (Array.isArray(raw) && raw.length === generated.length) {
    const entries = raw.map((e) => (isObj(e) ? e : { logprob: e }));
    if (!entries.every((e): e is Record<string, unknown> & { logprob: number } => Number.isFinite(e.logprob)))
      throw new ImportError(`${where}: ${l} must hold one finite logprob per generated id`);
    logprobs = entries;
  } else if (raw !== undefined && raw !== null)
    throw new ImportError(`${where}: ${l} must be a list with one entry per generated id, or null`);
  return { prompt, generated, logprobs } satisfies ImportedTokens;
}

export interface ImportedEpisode {
  /** The exporter's own id for it (AReaL session or trajscope episode), when the file says. */
  sourceId: string | null;
  /** The exporter's session, when the file says: one imported session per source session. */
  sourceSession: string | null;
  origin: SessionOrigin | null;
  taskId: string | null;
  groupId: string | null;
  /** Its rows carry labels (restored as labels, discounted on export) rather than returns. */
  labels: boolean;
  interactions: ImportedInteraction[];
}

export class ImportError extends Error {}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

/** An optional string field: the string, or null when absent. */
export function optString(v: unknown, at: string, max = 100_000): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ImportError(`${at} must be a string or null (got ${kind(v)})`);
  if (v.length > max) throw new ImportError(`${at} is longer than ${max} characters`);
  return v;
}

/** One of a fixed set of values, or null when absent. */
export function optChoice<T extends string>(v: unknown, at: string, allowed: readonly T[]): T | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw new ImportError(`${at} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)?.slice(0, 40)})`);
  return v as T;
}

export function reply(v: unknown, where: string): { text: string; toolCalls: ImportedInteraction['toolCalls'] } {
  if (typeof v === 'string') return { text: v, toolCalls: [] };
  if (v === undefined || v === null) return { text: '', toolCalls: [] };
  if (!isObj(v)) throw new ImportError(`${where}: the reply must be a message or a string (got ${kind(v)})`);
  if (v.content !== undefined && v.content !== null && typeof v.content !== 'string')
    throw new ImportError(`${where}: reply content must be a string (got ${kind(v.content)})`);
  return { text: typeof v.content === 'string' ? v.content : '', toolCalls: toolCalls(v.tool_calls, where) };
}

export function toolCalls(v: unknown, where: string): ImportedInteraction['toolCalls'] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ImportError(`${where}: tool_calls must be a list (got ${kind(v)})`);
  return v.map((c, i) => {
    const at = `${where}: tool_calls[${i}]`;
    if (!isObj(c)) throw new ImportError(`${at} must be an object (got ${kind(c)})`);
    const fn = isObj(c.function) ? c.function : c;
    if (typeof fn.name !== 'string') throw new ImportError(`${at}.name must be a string (got ${kind(fn.name)})`);
    // AReaL's exporters write arguments as a JSON string; some clients as the object itself (AReaL #1463)
    const args = fn.arguments ?? '';
    if (typeof args !== 'string' && !isObj(args))
      throw new ImportError(`${at}.arguments must be a JSON string or an object (got ${kind(args)})`);
    return {
      id: String(c.id ?? `call_${i}`),
      name: fn.name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args),
    };
  });
}

export function reward(v: unknown, where: string, field = 'reward'): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new ImportError(`${where}: ${field} must be a finite number or null (got ${kind(v)})`);
}

/** A request's messages, checked: a list of messages with a role and text (or parts) content. */
export function messagesOf(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ImportError(`${where}: the request messages are missing (got ${kind(v)})`);
  v.forEach((m, i) => {
    const at = `${where}: messages[${i}]`;
    if (!isObj(m)) throw new ImportError(`${at} must be an object (got ${kind(m)})`);
    if (typeof m.role !== 'string' || !m.role)
      throw new ImportError(`${at}.role must be a string (got ${kind(m.role)})`);
    const c = m.content;
    if (c !== undefined && c !== null && typeof c !== 'string' && !(Array.isArray(c) && c.every(isObj)))
      throw new ImportError(`${at}.content must be a string or a list of parts (got ${kind(c)})`);
    if (m.tool_calls !== undefined && m.tool_calls !== null && !Array.isArray(m.tool_calls))
      throw new ImportError(`${at}.tool_calls must be a list (got ${kind(m.tool_calls)})`);
  });
  return v;
}

/** A whole request body, checked: its messages, its depth and its size (what the recorder would take). */
export function requestOf(body: Obj, where: string): ImportedInteraction['request'] {
  const messages = messagesOf(body.messages, where);
  // the stored request is the body itself: its messages sit two levels below it
  if (valueTooDeep(messages, MAX_JSON_DEPTH - 2))
    throw new ImportError(`${where}: the messages are nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (valueTooDeep(body, MAX_JSON_DEPTH))
    throw new ImportError(`${where}: the request is nested deeper than ${MAX_JSON_DEPTH} levels`);
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > MAX_INTERACTION_BYTES)
    throw new ImportError(`${where}: the request takes ${bytes} bytes, over the limit of ${MAX_INTERACTION_BYTES}`);
  return { ...body, messages };
}

/** An interaction of a file that holds only messages, a reply and a return (AReaL's shapes). */
export function plainInteraction(
  messages: unknown,
  out: unknown,
  r: unknown,
  where: string,
  item: Record<string, unknown> = {},
): ImportedInteraction {
  const { text, toolCalls: calls } = reply(out, where);
  const tokens = tokensOf(item, ['input_tokens', 'output_tokens', 'output_logprobs'], where);
  return {
    ...(tokens ? { tokens } : {}),
    request: requestOf({ messages }, where),
    reply: text,
    toolCalls: calls,
    model: null,
    finishReason: null,
    usage: null,
    outcome: 'complete',
    reward: reward(r, where),
    label: null,
  };
}
