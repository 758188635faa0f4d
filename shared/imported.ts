// Where an imported episode came from, kept in its metadata (`metadata.imported`): the file, its
// format, the exporter's own ids, and what the source session was. An export of an import says the
// same about its rows as the first export did (the source's origin, so lab data stays lab data).
import type { Episode, SessionOrigin } from './domain.ts';

/** The files an import reads: trajscope's JSON Lines, AReaL's exported trajectories and interactions. */
export const IMPORT_FORMATS = ['trajscope-jsonl', 'areal-traj', 'areal-interactions'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportedFrom {
  file: string;
  format: ImportFormat;
  /** The exporter's episode (or AReaL session) id, when the file says. */
  source_id: string | null;
  /** The exporter's session key, when the file says (trajscope JSON Lines). */
  source_session?: string | null;
  /** What the source session was (a lab session stays lab data). */
  origin?: SessionOrigin;
  /** One import: its sessions are compared with each other, not with the rest of the workbench. */
  batch?: string;
  /** Rewards were stored as the exporter's discounted returns, per interaction: not discounted again. */
  discounted: boolean;
}

export function importedFrom(ep: Pick<Episode, 'metadata'> | undefined): ImportedFrom | null {
  const m = ep?.metadata?.imported;
  return typeof m === 'object' && m !== null ? (m as ImportedFrom) : null;
}
