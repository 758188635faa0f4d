// What became of a turn's tool calls: the tool message the agent fed back for each (read from the
// turn's later requests) and whether that result says the tool failed. A failed tool must not look
// like a success: a labeler would reward an answer the model invented around an error.
//
// Read as OpenClaw reports a tool's result ({tool, result: {content, details}}, its details'
// status, ok/success, error, timedOut, exitCode) and as plain tool servers do (a bare
// {status: "error"} or {error: …} object, MCP's isError, an "Error: …" text).
import type { TurnToolCall } from '../../../shared/domain.ts';
import { messageText, type ChatMessage } from '../../../shared/wire/openai.ts';

const FAILED_STATUSES = new Set([
  'error',
  'failed',
  'failure',
  'timeout',
  'timed_out',
  'blocked',
  'denied',
  'forbidden',
  'unavailable',
  'disabled',
  'aborted',
  'cancelled',
  'canceled',
  'killed',
  'invalid',
]);
const ERROR_TEXT = /^\s*(error|exception|unknown tool)\b/i;
const MAX_ERROR_CHARS = 500;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  const t = text.trim();
  return t.length > MAX_ERROR_CHARS ? `${t.slice(0, MAX_ERROR_CHARS)}…` : t;
}

/** The text parts of a result's content ([{type: "text", text}] or a string). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join('');
}

/** Why one result object says its tool failed, or null when it does not. */
function failureOf(result: Obj): string | null {
  const details = isObj(result.details) ? result.details : result;
  const text = contentText(result.content);
  const errorField = details.error ?? result.error;
  const said = () =>
    typeof errorField === 'string' && errorField.trim()
      ? errorField
      : isObj(errorField) && typeof errorField.message === 'string'
        ? errorField.message
        : typeof details.message === 'string' && details.message.trim()
          ? details.message
          : text.trim() || null;
  if (result.isError === true) return clip(said() ?? 'the tool reported an error');
  const succeeded = details.ok === true || details.success === true;
  if (details.ok === false || details.success === false) return clip(said() ?? 'the tool reported ok: false');
  const status = typeof details.status === 'string' ? details.status.trim().toLowerCase() : '';
  if (FAILED_STATUSES.has(status) && !succeeded) return clip(said() ?? `status: ${status}`);
  if (details.timedOut === true) return clip(said() ?? 'the tool timed out');
  if (errorField) return clip(said() ?? 'the tool reported an error');
  if (typeof details.exitCode === 'number' && details.exitCode !== 0 && status !== 'completed')
    return clip(`exit code ${details.exitCode}${text.trim() ? `: ${text}` : ''}`);
  // the result's own text may be a JSON report, as OpenClaw's client tools give it
  const inner = parse(text);
  if (isObj(inner)) return failureOf(inner);
  return null;
}

/** Why a tool message's content says the tool failed, or null when it does not. */
export function toolFailure(content: string): string | null {
  const parsed = parse(content);
  if (isObj(parsed)) {
    // OpenClaw: {tool: {id, name, source}, result: {content, details}}
    const result = isObj(parsed.tool) && isObj(parsed.result) ? parsed.result : parsed;
    return failureOf(result);
  }
  return ERROR_TEXT.test(content) ? clip(content) : null;
}

/** Arguments compared as the JSON they hold (an agent may re-serialize them), else as text. */
function sameArguments(a: string, b: string): boolean {
  if (a === b) return true;
  const [x, y] = [parse(a), parse(b)];
  return x !== undefined && y !== undefined && JSON.stringify(x) === JSON.stringify(y);
}

/**
 * Which of the model's tool calls each id in a request stands for. An agent may give a call an id
 * of its own when it replays it (OpenClaw does: the model's "call_ab12" comes back as "callab12"),
 * so an assistant message's tool call that is not one of ours by id is matched by name and
 * arguments, in order.
 */
function idsOf(calls: TurnToolCall[], messages: ChatMessage[]): Map<string, string> {
  const ours = new Map<string, string>(calls.map((c) => [c.id, c.id]));
  const taken = new Set<string>();
  for (const m of messages) {
    for (const t of m.role === 'assistant' ? (m.tool_calls ?? []) : []) {
      if (!t?.id) continue;
      const known = ours.get(t.id);
      if (known) {
        taken.add(known);
        continue;
      }
      const match = calls.find(
        (c) =>
          !taken.has(c.id) && c.name === t.function?.name && sameArguments(c.arguments, t.function?.arguments ?? ''),
      );
      if (match) {
        ours.set(t.id, match.id);
        taken.add(match.id);
      }
    }
  }
  return ours;
}

/**
 * The turn's tool calls with the result the agent fed back for each, found in the given requests;
 * a result found before is kept when these requests hold none.
 */
export function withToolResults(calls: TurnToolCall[], requests: Iterable<ChatMessage[]>): TurnToolCall[] {
  const results = new Map<string, string>();
  for (const messages of requests) {
    const ids = idsOf(calls, messages);
    for (const m of messages) {
      const id = m.role === 'tool' && m.tool_call_id ? ids.get(m.tool_call_id) : undefined;
      if (id) results.set(id, messageText(m.content));
    }
  }
  return calls.map((c) => {
    const result = results.get(c.id);
    if (result === undefined) return { ...c, result: c.result ?? null, error: c.error ?? null };
    return { ...c, result, error: toolFailure(result) };
  });
}
