// What an exported trajectory file holds, whichever exporter wrote it: AReaL's older
// /export_trajectories answer ({interactions: {id: {messages, output_message_list, reward}}}),
// today's string trajectory ({traj: {interactions: [{request, response, reward}]}}, or the
// deserialized inner object), or `trajscope export` JSON Lines. Token tensors cannot be imported.

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

function reply(v: unknown): { text: string; toolCalls: ImportedInteraction['toolCalls'] } {
  if (typeof v === 'string') return { text: v, toolCalls: [] };
  const m = isObj(v) ? v : {};
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  return {
    text: typeof m.content === 'string' ? m.content : '',
    toolCalls: calls.filter(isObj).map((c, i) => {
      const fn = isObj(c.function) ? c.function : c;
      return { id: String(c.id ?? `call_${i}`), name: String(fn.name ?? ''), arguments: String(fn.arguments ?? '') };
    }),
  };
}

function reward(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function noTensors(item: Obj): void {
  if ('tensor_dict' in item || 'input_ids' in item) {
    throw new ImportError(
      'this export holds token tensors, which cannot be read back into text here; export string interactions instead',
    );
  }
}

function messagesOf(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ImportError(`${where}: the request messages are missing`);
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
      const r = reply(it.response);
      return {
        messages: messagesOf(it.request, `interaction ${i}`),
        reply: r.text,
        toolCalls: r.toolCalls,
        reward: reward(it.reward),
      };
    });
    return { format: 'areal-traj', episodes: [{ sourceId: null, interactions }] };
  }
  if (isObj(doc) && isObj(doc.interactions)) {
    const interactions = Object.entries(doc.interactions).map(([id, it]) => {
      if (!isObj(it)) throw new ImportError(`interaction ${id} is not an object`);
      noTensors(it);
      const out = Array.isArray(it.output_message_list) ? it.output_message_list[0] : it.response;
      const r = reply(out);
      return {
        messages: messagesOf(it.messages, `interaction ${id}`),
        reply: r.text,
        toolCalls: r.toolCalls,
        reward: reward(it.reward),
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
    const r = reply(row.response);
    const toolCalls = Array.isArray(row.tool_calls) ? reply({ tool_calls: row.tool_calls }).toolCalls : r.toolCalls;
    const id = String(row.episode_id ?? 'episode');
    const list = byEpisode.get(id) ?? [];
    list.push({
      messages: messagesOf(row.request.messages, `line ${n + 1}`),
      reply: r.text,
      toolCalls,
      reward: reward(row.reward),
    });
    byEpisode.set(id, list);
  });
  return [...byEpisode].map(([sourceId, interactions]) => ({ sourceId, interactions }));
}
