// An export written to a file: beside it first and renamed into place, so a failed export never
// leaves half a file (the CLI's --out, the desktop's save dialog). Lines are masked of every key
// an upstream echoed; the tally says what was written and left out.
import { createWriteStream, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ExportRequest, ExportTally } from '../../../shared/api.ts';
import type { SecretMask } from '../secret-mask.ts';
import type { Store } from '../store/store.ts';
import { exportLines, exportOptions, newTally, type ExportOptions } from './jsonl.ts';
import { writeLines } from './write.ts';

/** Export lines with every configured key an upstream echoed masked (the stored bytes are unchanged). */
export function* maskedLines(store: Store, opts: ExportOptions, mask: SecretMask): Generator<string> {
  for (const line of exportLines(store, opts)) yield mask.text(line);
}

/** What an export with these choices would write and leave out: the same walk as the export itself. */
export function exportTally(store: Store, req: ExportRequest): ExportTally {
  const tally = newTally();
  for (const _ of exportLines(store, { ...exportOptions(req), tally }));
  return tally;
}

export async function exportToFile(
  store: Store,
  opts: ExportOptions,
  mask: SecretMask,
  out: string,
): Promise<ExportTally> {
  const tally = opts.tally ?? newTally();
  await linesToFile(maskedLines(store, { ...opts, tally }, mask), out);
  return tally;
}

/** Lines written beside `out` and renamed into place once all are on disk; how many. */
export async function linesToFile(lines: Iterable<string> | AsyncIterable<string>, out: string): Promise<number> {
  const tmpDir = mkdtempSync(join(dirname(resolve(out)), '.trajscope-export-'));
  try {
    const tmp = join(tmpDir, 'export.jsonl');
    const file = createWriteStream(tmp, { mode: 0o600, flags: 'wx' });
    const count = await writeLines(lines, file);
    await new Promise<void>((ok, fail) => file.end((err?: Error | null) => (err ? fail(err) : ok())));
    renameSync(tmp, resolve(out));
    return count;
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
