// The words an export's tally is said in, in the dialog and the notice after it, and the CLI
// command that makes the same export.
import type { ExportRequest, ExportTally } from '../../../../shared/api.ts';

export { plural } from '../../format.ts';
import { plural } from '../../format.ts';

/** What was left out, or '' when nothing was. */
export function leftOut(t: ExportTally): string {
  const out: string[] = [];
  if (t.unlabeled) out.push(`${plural(t.unlabeled, 'episode')} nobody rewarded`);
  if (t.lab) out.push(`${plural(t.lab, 'leak-lab episode')}`);
  if (t.noTokenIds) out.push(`${plural(t.noTokenIds, 'call')} whose server returned no token ids`);
  return out.join(' and ');
}

/** `trajscope export` with the same choices (a session is named by its episodes there). */
export function exportCommand(r: ExportRequest): string {
  const args = ['trajscope export --data-dir <data dir>'];
  if (r.unlabeled !== 'skip') args.push(`--unlabeled ${r.unlabeled}`);
  if (r.includeLab) args.push('--include-lab');
  if (r.includeFailed) args.push('--include-failed');
  if (r.dropRetryOrphans) args.push('--drop-retry-orphans');
  if (r.discount !== 1 && Number.isFinite(r.discount)) args.push(`--discount ${r.discount}`);
  if (r.sessionKey) args.push(`--session ${r.sessionKey}`);
  if (r.tokens) args.push(`--tokens --style ${r.tokens}`);
  if (r.hosts) args.push(`--hosts ${r.hosts === 'all' ? 'all' : r.hosts.join(',')}`);
  return args.join(' ');
}
