// `trajscope export`: recorded interactions as JSON Lines, to a file (written beside it and renamed
// into place, so a failed export never leaves half a file) or to stdout (every byte reaches the
// reader before the process exits; a closed pipe is an error, exit 1).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportToFile, linesToFile, maskedLines } from '../../core/export/file.ts';
import { mergedExport } from '../../core/hub/merged-export.ts';
import { RemoteHost } from '../../core/hub/remote.ts';
import { HttpError } from '../../core/http/errors.ts';
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
  /** Also (or only) the hub's remotes' data: "all", or names ("local" is this data dir). */
  hosts?: 'all' | string[] | undefined;
  /** The config file naming the remotes (else TRAJSCOPE_CONFIG, TRAJSCOPE_REMOTES). */
  config?: string | undefined;
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
  if (a.hosts && (a.session !== undefined || a.episodes))
    throw new UsageError('--hosts exports whole hosts: drop --session and --episodes');
  if (a.hosts && !existsSync(join(resolve(a.dataDir), 'trajscope.sqlite'))) return hostsExport(a, a.hosts, null);
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
    if (a.hosts) {
      await hostsExport(a, a.hosts, () => maskedLines(store, opts, mask));
      return;
    }
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
 * This data dir's lines and the configured remotes' (each streamed from its engine's /api/export),
 * tagged with their host as a hub's export is: one file, in host order, refused whole when a chosen
 * remote does not answer.
 */
async function hostsExport(
  a: ExportArgs,
  asked: 'all' | string[],
  local: (() => Iterable<string>) | null,
): Promise<void> {
  const remotes = loadConfig({ flags: { dataDir: a.dataDir }, configFile: a.config }).current.remotes ?? [];
  if (!remotes.length)
    throw new UsageError('--hosts needs remotes: a "remotes" list in the --config file, or TRAJSCOPE_REMOTES');
  const hosts = remotes.map((r) => new RemoteHost(r, 10_000));
  // a data dir with nothing recorded (a laptop that only gathers the cluster's data) adds nothing
  if (!local && asked !== 'all' && asked.includes('local'))
    throw new UsageError(`--hosts names local, but ${resolve(a.dataDir)} holds no Trajscope data`);
  const chosen = !local && asked === 'all' ? hosts.map((h) => h.name) : asked;
  const req = {
    unlabeled: a.unlabeled,
    includeLab: a.includeLab,
    includeFailed: a.includeFailed,
    dropRetryOrphans: a.dropRetryOrphans,
    discount: a.discount,
    ...(a.tokens ? { tokens: a.tokens } : {}),
    hosts: chosen,
  };
  let lines: AsyncGenerator<string>;
  try {
    lines = await mergedExport(hosts, req, local ?? (() => []));
  } catch (err) {
    if (err instanceof HttpError && err.status === 400) throw new UsageError(err.message);
    throw err;
  }
  const names = chosen === 'all' ? ['local', ...hosts.map((h) => h.name)] : chosen;
  const where = `from ${names.join(', ')} ${a.out ? `to ${a.out}` : 'to stdout'}`;
  const count = a.out ? await linesToFile(lines, a.out) : await writeLines(lines, process.stdout);
  process.stderr.write(`exported ${count} ${a.tokens ? 'token rows' : 'interactions'} ${where}\n`);
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
