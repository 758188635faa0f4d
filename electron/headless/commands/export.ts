// `trajscope export`: recorded interactions as JSON Lines, to a file (written beside it and renamed
// into place, so a failed export never leaves half a file) or to stdout (every byte reaches the
// reader before the process exits; a closed pipe is an error, exit 1).
import { createWriteStream, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { exportLines } from '../../core/export/jsonl.ts';
import { writeLines } from '../../core/export/write.ts';
import { loadConfig } from '../../core/config/cli.ts';
import { SecretMask } from '../../core/secret-mask.ts';
import type { Store } from '../../core/store/store.ts';
import { openForReading } from './data.ts';

export interface ExportArgs {
  dataDir: string;
  out?: string;
  episodes?: string[];
  discount: number;
  includeFailed: boolean;
  dropRetryOrphans: boolean;
}

export async function exportCommand(a: ExportArgs): Promise<void> {
  const store = openForReading(a.dataDir, 'trajscope export');
  try {
    const onSkip = (id: string, why: string) => process.stderr.write(`trajscope: export skipped call ${id}: ${why}\n`);
    const mask = exportMask(store, a.dataDir);
    const lines = masked(
      exportLines(store, { episodes: a.episodes, discount: a.discount, includeFailed: a.includeFailed, onSkip }),
      mask,
    );
    if (!a.out) {
      await writeLines(lines, process.stdout).catch((err: NodeJS.ErrnoException) => {
        throw new Error(
          err.code === 'EPIPE' ? 'the output was closed before the export finished (EPIPE)' : err.message,
        );
      });
      return;
    }
    const tmpDir = mkdtempSync(join(dirname(resolve(a.out)), '.trajscope-export-'));
    try {
      const tmp = join(tmpDir, 'export.jsonl');
      const file = createWriteStream(tmp, { mode: 0o600, flags: 'wx' });
      const count = await writeLines(lines, file);
      await new Promise<void>((ok, fail) => file.end((err?: Error | null) => (err ? fail(err) : ok())));
      renameSync(tmp, resolve(a.out));
      process.stderr.write(`exported ${count} interactions to ${a.out}\n`);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  } finally {
    store.close();
  }
}

function* masked(lines: Iterable<string>, mask: SecretMask): Generator<string> {
  for (const line of lines) yield mask.text(line);
}

/**
 * The keys an export must not carry though an upstream echoed them: every stored connection's and
 * the configured ones this command can see (env, --config file, saved settings of the data dir).
 */
function exportMask(store: Store, dataDir: string): SecretMask {
  const secrets = store.upstreams.list().map((u) => ({ name: 'upstream key', value: u.apiKey }));
  try {
    const c = loadConfig({ flags: { dataDir } }).current;
    secrets.push(
      { name: 'upstreamKey', value: c.upstreamKey ?? '' },
      { name: 'adminKey', value: c.adminKey ?? '' },
      { name: 'arealRouterKey', value: c.arealRouterKey ?? '' },
    );
  } catch {
    // a configuration this command cannot read (a key saved with the desktop's keychain) hides nothing
  }
  return new SecretMask(secrets);
}
