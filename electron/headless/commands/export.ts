// `trajscope export`: recorded interactions as JSON Lines, to a file (written beside it and renamed
// into place, so a failed export never leaves half a file) or to stdout (every byte reaches the
// reader before the process exits; a closed pipe is an error, exit 1).
import { exportToFile, maskedLines } from '../../core/export/file.ts';
import { newTally, type ExportTally, type UnlabeledPolicy } from '../../core/export/jsonl.ts';
import type { TokenStyle } from '../../core/export/token-rows.ts';
import { writeLines } from '../../core/export/write.ts';
import { loadConfig } from '../../core/config/cli.ts';
import { SecretMask } from '../../core/secret-mask.ts';
import type { Store } from '../../core/store/store.ts';
import { openForReading } from './data.ts';
import { UsageError } from './usage.ts';

export interface ExportArgs {
  dataDir: string;
  out?: string;
  episodes?: string[];
  session?: string;
  discount: number;
  includeFailed: boolean;
  dropRetryOrphans: boolean;
  unlabeled: UnlabeledPolicy;
  includeLab: boolean;
  tokens?: TokenStyle | undefined;
}

/** One line on stderr: what was written, what was left out and how to have it. */
export function tallyLine(t: ExportTally, where: string, tokens = false): string {
  const out: string[] = [];
  if (t.unlabeled)
    out.push(`${t.unlabeled} episode${t.unlabeled === 1 ? '' : 's'} nobody rewarded (--unlabeled zero|null)`);
  if (t.lab) out.push(`${t.lab} leak-lab episode${t.lab === 1 ? '' : 's'} (--include-lab)`);
  if (t.noTokenIds) out.push(`${t.noTokenIds} call${t.noTokenIds === 1 ? '' : 's'} whose server returned no token ids`);
  const what = tokens ? 'token rows' : 'interactions';
  return `exported ${t.interactions} ${what} ${where}${out.length ? `; left out ${out.join(' and ')}` : ''}\n`;
}

export async function exportCommand(a: ExportArgs): Promise<void> {
  const store = openForReading(a.dataDir, 'trajscope export');
  try {
    const onSkip = (id: string, why: string) => process.stderr.write(`trajscope: export skipped call ${id}: ${why}\n`);
    const tally = newTally();
    if (a.session !== undefined && !store.sessions.get(a.session)) throw new UsageError(`unknown session ${a.session}`);
    const opts = {
      episodes: a.episodes,
      ...(a.session !== undefined ? { sessionKey: a.session } : {}),
      discount: a.discount,
      includeFailed: a.includeFailed,
      dropRetryOrphans: a.dropRetryOrphans,
      unlabeled: a.unlabeled,
      includeLab: a.includeLab,
      ...(a.tokens ? { tokens: a.tokens } : {}),
      tally,
      onSkip,
    };
    const mask = exportMask(store, a.dataDir);
    if (a.out) {
      await exportToFile(store, opts, mask, a.out);
      process.stderr.write(tallyLine(tally, `to ${a.out}`, Boolean(a.tokens)));
      return;
    }
    await writeLines(maskedLines(store, opts, mask), process.stdout).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'EPIPE' ? 'the output was closed before the export finished (EPIPE)' : err.message);
    });
    process.stderr.write(tallyLine(tally, 'to stdout', Boolean(a.tokens)));
  } finally {
    store.close();
  }
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
