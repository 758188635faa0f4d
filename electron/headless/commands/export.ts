// `trajscope export`: recorded interactions as JSON Lines, to a file (written beside it and renamed
// into place, so a failed export never leaves half a file) or to stdout (every byte reaches the
// reader before the process exits; a closed pipe is an error, exit 1).
import { createWriteStream, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { exportLines, type ExportTally, type UnlabeledPolicy } from '../../core/export/jsonl.ts';
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
  unlabeled: UnlabeledPolicy;
  includeLab: boolean;
}

/** One line on stderr: what was written, what was left out and how to have it. */
export function tallyLine(t: ExportTally, where: string): string {
  const out: string[] = [];
  if (t.unlabeled)
    out.push(`${t.unlabeled} episode${t.unlabeled === 1 ? '' : 's'} nobody rewarded (--unlabeled zero|null)`);
  if (t.lab) out.push(`${t.lab} leak-lab episode${t.lab === 1 ? '' : 's'} (--include-lab)`);
  return `exported ${t.interactions} interactions ${where}${out.length ? `; left out ${out.join(' and ')}` : ''}\n`;
}

export async function exportCommand(a: ExportArgs): Promise<void> {
  const store = openForReading(a.dataDir, 'trajscope export');
  try {
    const onSkip = (id: string, why: string) => process.stderr.write(`trajscope: export skipped call ${id}: ${why}\n`);
    const mask = exportMask(store, a.dataDir);
    const tally: ExportTally = { interactions: 0, unlabeled: 0, lab: 0 };
    const lines = masked(
      exportLines(store, {
        episodes: a.episodes,
        discount: a.discount,
        includeFailed: a.includeFailed,
        dropRetryOrphans: a.dropRetryOrphans,
        unlabeled: a.unlabeled,
        includeLab: a.includeLab,
        tally,
        onSkip,
      }),
      mask,
    );
    if (!a.out) {
      await writeLines(lines, process.stdout).catch((err: NodeJS.ErrnoException) => {
        throw new Error(
          err.code === 'EPIPE' ? 'the output was closed before the export finished (EPIPE)' : err.message,
        );
      });
      process.stderr.write(tallyLine(tally, 'to stdout'));
      return;
    }
    const tmpDir = mkdtempSync(join(dirname(resolve(a.out)), '.trajscope-export-'));
    try {
      const tmp = join(tmpDir, 'export.jsonl');
      const file = createWriteStream(tmp, { mode: 0o600, flags: 'wx' });
      const count = await writeLines(lines, file);
      await new Promise<void>((ok, fail) => file.end((err?: Error | null) => (err ? fail(err) : ok())));
      renameSync(tmp, resolve(a.out));
      process.stderr.write(tallyLine({ ...tally, interactions: count }, `to ${a.out}`));
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
