// What an exported trajectory file holds, whichever exporter wrote it: AReaL's older
// /export_trajectories answer ({interactions: {id: {messages, output_message_list, reward}}}),
// today's string trajectory ({traj: {interactions: [{request, response, reward}]}}, or the
// deserialized inner object), or `trajscope export` JSON Lines (trajscope-lines.ts). Token tensors
// cannot be imported. Every record is checked (records.ts) before anything is stored, and a bad
// one is refused with the record and the field named, so an import is all or nothing.
import type { ImportFormat } from '../../../shared/imported.ts';
import { ImportError, isObj, plainInteraction, type ImportedEpisode } from './records.ts';
import { trajscopeLines } from './trajscope-lines.ts';

export { ImportError };

function noTensors(item: Record<string, unknown>): void {
  if ('tensor_dict' in item || 'input_ids' in item) {
    throw new ImportError(
      'this export holds token tensors, which cannot be read back into text here; export string interactions instead',
    );
  }
}

/** One episode of a file that does not say where its interactions came from. */
function single(interactions: ImportedEpisode['interactions']): ImportedEpisode {
  return {
    sourceId: null,
    sourceSession: null,
    origin: null,
    taskId: null,
    groupId: null,
    labels: false,
    interactions,
  };
}

export function parseExport(text: string): { format: ImportFormat; episodes: ImportedEpisode[] } {
  const trimmed = text.trim();
  if (!trimmed) throw new ImportError('the file is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return { format: 'trajscope-jsonl', episodes: trajscopeLines(trimmed) };
  }
  // a one-line export is one JSON document
  if (isObj(doc) && isObj(doc.request)) return { format: 'trajscope-jsonl', episodes: trajscopeLines(trimmed) };
  if (isObj(doc) && isObj(doc.traj)) doc = doc.traj;
  if (isObj(doc) && Array.isArray(doc.interactions)) {
    const interactions = doc.interactions.map((it, i) => {
      if (!isObj(it)) throw new ImportError(`interaction ${i} is not an object`);
      noTensors(it);
      return plainInteraction(it.request, it.response, it.reward, `interaction ${i}`, it);
    });
    return { format: 'areal-traj', episodes: [single(interactions)] };
  }
  if (isObj(doc) && isObj(doc.interactions)) {
    const interactions = Object.entries(doc.interactions).map(([id, it]) => {
      if (!isObj(it)) throw new ImportError(`interaction ${id} is not an object`);
      noTensors(it);
      const out = Array.isArray(it.output_message_list) ? it.output_message_list[0] : it.response;
      return plainInteraction(it.messages, out, it.reward, `interaction ${id}`, it);
    });
    return { format: 'areal-interactions', episodes: [single(interactions)] };
  }
  throw new ImportError('not an AReaL trajectory export (no "interactions" or "traj") nor trajscope JSON Lines');
}
