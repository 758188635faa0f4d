// A fork's request as the editor holds it (each message's text, its tool calls as JSON, tools and
// parameters as JSON) and back. Back, the request keeps the recorded one's key order and every
// field the editor does not show, and unedited values as they were (a message's content parts, its
// tool calls): a fork differs from its original only where it was edited, so "what the request
// changed" shows that and nothing else.
import { tryJson } from '../../format.ts';

export interface EditMsg {
  role: string;
  content: string;
  /** JSON text of tool_calls ('' when none). */
  toolCalls: string;
  toolCallId: string;
  /** The recorded message it was made from (null: added in the editor). */
  orig: Record<string, unknown> | null;
}

export type Req = Record<string, unknown> & { messages?: unknown[] };

type Part = { type?: unknown; text?: unknown };

/** The one text part of a content list (OpenClaw sends `[{type: "text", text}]`), else -1. */
function onlyTextPart(c: unknown): number {
  if (!Array.isArray(c)) return -1;
  const texts = c.flatMap((p: Part, i) => (p?.type === 'text' && typeof p.text === 'string' ? [i] : []));
  return texts.length === 1 ? texts[0]! : -1;
}

/** What the editor shows of a content: its text (a list's one text part), else its JSON. */
function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (c === null || c === undefined) return '';
  const i = onlyTextPart(c);
  return i >= 0 ? ((c as Part[])[i]!.text as string) : JSON.stringify(c);
}

/** An edited text back into the content's shape: the one text part replaced, else JSON where it parses. */
function contentOf(text: string, orig: unknown): unknown {
  if (typeof orig === 'string' || orig === null || orig === undefined) return text;
  const i = onlyTextPart(orig);
  if (i >= 0) return (orig as Part[]).map((p, j) => (j === i ? { ...p, text } : p));
  return tryJson(text) ?? text;
}

export function toEdit(m: Record<string, unknown>): EditMsg {
  const c = m.content;
  return {
    role: String(m.role ?? 'user'),
    content: contentText(c),
    toolCalls: m.tool_calls ? JSON.stringify(m.tool_calls, null, 2) : '',
    toolCallId: typeof m.tool_call_id === 'string' ? m.tool_call_id : '',
    orig: m,
  };
}

function parse(text: string, what: string): unknown {
  const v = tryJson(text);
  if (v === null) throw new Error(`${what} is not valid JSON`);
  return v;
}

/** `from`'s keys in their order with `edited`'s values, then `edited`'s new keys; `drop` left out. */
function inOrder(from: Record<string, unknown>, edited: Record<string, unknown>, drop: Set<string>) {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(from)) if (!drop.has(k)) out[k] = k in edited ? edited[k] : from[k];
  for (const [k, v] of Object.entries(edited)) if (!(k in out) && !drop.has(k)) out[k] = v;
  return out;
}

function messageOf(m: EditMsg, i: number): Record<string, unknown> {
  const before = m.orig ? toEdit(m.orig) : null;
  const content =
    before && before.content === m.content
      ? m.orig!.content
      : m.orig
        ? contentOf(m.content, m.orig.content)
        : m.content;
  const toolCalls = !m.toolCalls.trim()
    ? undefined
    : before && before.toolCalls === m.toolCalls
      ? m.orig!.tool_calls
      : parse(m.toolCalls, `the tool calls of message ${i + 1}`);
  const edited = {
    role: m.role,
    content,
    ...(toolCalls !== undefined ? { tool_calls: toolCalls } : {}),
    ...(m.role === 'tool' ? { tool_call_id: m.toolCallId } : {}),
  };
  if (!m.orig) return edited;
  const drop = new Set([
    ...(toolCalls === undefined ? ['tool_calls'] : []),
    ...(m.role !== 'tool' ? ['tool_call_id'] : []),
  ]);
  return inOrder(m.orig, edited, drop);
}

/** The request an edit describes, in `base`'s key order; throws with what is wrong. */
export function fromEdit(msgs: EditMsg[], tools: string, params: string, base: Req): Req {
  const messages = msgs.map(messageOf);
  const p = params.trim() ? parse(params, 'the parameters') : {};
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error('the parameters must be a JSON object');
  const t = tools.trim() ? parse(tools, 'the tools') : undefined;
  const edited: Record<string, unknown> = { ...(p as object), ...(t !== undefined ? { tools: t } : {}), messages };
  // a parameter or the tools removed in the editor are gone; everything else keeps its place
  const drop = new Set(Object.keys(base).filter((k) => !(k in edited)));
  return inOrder(base, edited, drop) as Req;
}
