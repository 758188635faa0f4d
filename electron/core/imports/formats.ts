// What an exported trajectory file holds, whichever exporter wrote it: AReaL's older
// /export_trajectories answer ({interactions: {id: {messages, output_message_list, reward}}}),
// today's string trajectory ({traj: {interactions: [{request, response, reward}]}}, or the
// deserialized inner object), or `trajscope export` JSON Lines. Token tensors cannot be imported.
// Every record is checked here — types, nesting, sizes — before anything is stored, and a bad one
// is refused with the record and the field named, so an import is all or nothing.
import { MAX_JSON_DEPTH, valueTooDeep } from '../../../shared/json-depth.ts';

/** The largest single interaction (its messages as JSON) an import takes: the recorder's default body limit. */
export const MAX_INTERACTION_BYTES = 32 * 1024 * 1024;

export interface ImportedInteraction {
  messages: unknown[];
  reply: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  reward: number | null;
}

export interface ImportedEpisode {
  /** The exporter's own id for it (AReaL session or trajscope episode), when the file says. */
  sourceId: string | null;
  interactions: ImportedInteraction[];
}

export type ExportFormat = 'areal-interactions' | 'areal-traj' | 'trajscope-jsonl';

export class ImportError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

function reply(v: unknown, where: string): { text: string; toolCalls: ImportedInteraction['toolCalls'] } {
  if (typeof v === 'string') return { text: v, toolCalls: [] };
  if (v === undefined || v === null) return { text: '', toolCalls: [] };
  if (!isObj(v)) throw new ImportError(`${where}: the reply must be a message or a string (got ${kind(v)})`);
  if (v.content !== undefined && v.content !== null && typeof v.content !== 'string')
    throw new ImportError(`${where}: reply content must be a string (got ${kind(v.content)})`);
  return { text: typeof v.content === 'string' ? v.content : '', toolCalls: toolCalls(v.tool_calls, where) };
}

function toolCalls(v: unknown, where: string): ImportedInteraction['toolCalls'] {
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

function reward(v: unknown, where: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new ImportError(`${where}: reward must be a finite number or null (got ${kind(v)})`);
}

function noTensors(item: Obj): void {
  if ('tensor_dict' in item || 'input_ids' in item) {
    throw new ImportError(
      'this export holds token tensors, which cannot be read back into text here; export string interactions instead',
    );
  }
}

/** A request's messages, checked: a list of messages with a role and text (or parts) content, not too deep or large. */
function messagesOf(v: unknown, where: string): unknown[] {
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
  // the stored request is {"messages": [...]}: two levels above the messages' own
  if (valueTooDeep(v, MAX_JSON_DEPTH - 2))
    throw new ImportError(`${where}: the messages are nested deeper than ${MAX_JSON_DEPTH} levels`);
  const bytes = Buffer.byteLength(JSON.stringify(v));
  if (bytes > MAX_INTERACTION_BYTES)
    throw new ImportError(`${where}: the messages take ${bytes} bytes, over the limit of ${MAX_INTERACTION_BYTES}`);
  return v;
}

export function parseExport(text: string): { format: ExportFormat; episodes: ImportedEpisode[] } {
  const trimmed = text.trim();
  if (!trimmed) throw new ImportError('the file is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return { format: 'trajscope-jsonl', episodes: jsonLines(trimmed) };
  }
  if (isObj(doc) && isObj(doc.traj)) doc = doc.traj;
  if (isObj(doc) && Array.isArray(doc.interactions)) {
    const interactions = doc.interactions.map((it, i) => {
      if (!isObj(it)) throw new ImportError(`interaction ${i} is not an object`);
      noTensors(it);
      const r = reply(it.response, `interaction ${i}`);
      return {
        messages: messagesOf(it.request, `interaction ${i}`),
        reply: r.text,
        toolCalls: r.toolCalls,
        reward: reward(it.reward, `interaction ${i}`),
      };
    });
    return { format: 'areal-traj', episodes: [{ sourceId: null, interactions }] };
  }
  if (isObj(doc) && isObj(doc.interactions)) {
    const interactions = Object.entries(doc.interactions).map(([id, it]) => {
      if (!isObj(it)) throw new ImportError(`interaction ${id} is not an object`);
      noTensors(it);
      const out = Array.isArray(it.output_message_list) ? it.output_message_list[0] : it.response;
      const r = reply(out, `interaction ${id}`);
      return {
        messages: messagesOf(it.messages, `interaction ${id}`),
        reply: r.text,
        toolCalls: r.toolCalls,
        reward: reward(it.reward, `interaction ${id}`),
      };
    });
    return { format: 'areal-interactions', episodes: [{ sourceId: null, interactions }] };
  }
  throw new ImportError('not an AReaL trajectory export (no "interactions" or "traj") nor trajscope JSON Lines');
}

function jsonLines(text: string): ImportedEpisode[] {
  const byEpisode = new Map<string, ImportedInteraction[]>();
  text.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new ImportError(`line ${n + 1} is not JSON (a file must be one JSON document or JSON Lines)`);
    }
    if (!isObj(row) || !isObj(row.request)) throw new ImportError(`line ${n + 1} is not a trajscope export line`);
    const where = `line ${n + 1}`;
    const r = reply(row.response, where);
    const calls = row.tool_calls === undefined ? r.toolCalls : toolCalls(row.tool_calls, where);
    const id = String(row.episode_id ?? 'episode');
    const list = byEpisode.get(id) ?? [];
    list.push({
      messages: messagesOf(row.request.messages, where),
      reply: r.text,
      toolCalls: calls,
      reward: reward(row.reward, where),
    });
    byEpisode.set(id, list);
  });
  return [...byEpisode].map(([sourceId, interactions]) => ({ sourceId, interactions }));
}
