// `trajscope export`: recorded interactions as JSON Lines, to a file (written beside it and renamed
// into place, so a failed export never leaves half a file) or to stdout.
import { closeSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { exportLines } from '../../core/export/jsonl.ts';
import { Store } from '../../core/store/store.ts';

export interface ExportArgs {
  dataDir: string;
  out?: string;
  episodes?: string[];
  discount: number;
}

export function exportCommand(a: ExportArgs): void {
  const store = new Store(resolve(a.dataDir));
  try {
    const lines = exportLines(store, { episodes: a.episodes, discount: a.discount });
    if (!a.out) {
      for (const line of lines) process.stdout.write(line + '\n');
      return;
    }
    const tmpDir = mkdtempSync(join(dirname(resolve(a.out)), '.trajscope-export-'));
    const tmp = join(tmpDir, 'export.jsonl');
    const fd = openSync(tmp, 'w', 0o600);
    let count = 0;
    try {
      for (const line of lines) {
        writeSync(fd, line + '\n');
        count++;
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, resolve(a.out));
    rmSync(tmpDir, { recursive: true, force: true });
    process.stderr.write(`exported ${count} interactions to ${a.out}\n`);
  } finally {
    store.close();
  }
}
