// A hub's export: this engine's lines and its chosen remotes', each tagged with its host.
import type { ExportRequest, ExportTally } from '../../../shared/api.ts';
import { newTally } from '../export/jsonl.ts';
import { HttpError } from '../http/errors.ts';
import type { RemoteHost } from './remote.ts';

/**
 * The lines of a merged export: this engine's (when chosen) then each chosen remote's in name
 * order, each tagged with its host — deterministic, every session once (a session lives on one
 * engine). Every chosen remote must answer first: an export that silently lacks a host is refused.
 */
export async function mergedExport(
  hosts: RemoteHost[],
  req: ExportRequest,
  local: () => Iterable<string>,
): Promise<AsyncGenerator<string>> {
  const { names, remotes } = await chosen(hosts, req);
  const { hosts: _, ...each } = req;
  const tag = (host: string, line: string) => `{"host":${JSON.stringify(host)},${line.slice(1)}`;
  return (async function* () {
    if (names.includes('local')) for (const line of local()) yield tag('local', line);
    for (const h of remotes) for await (const line of h.exportLines(each)) yield tag(h.name, line);
  })();
}

/** What a merged export would write and leave out: each chosen engine's preview, summed. */
export async function mergedPreview(
  hosts: RemoteHost[],
  req: ExportRequest,
  local: (req: ExportRequest) => ExportTally | Promise<ExportTally>,
): Promise<ExportTally> {
  const { names, remotes } = await chosen(hosts, req);
  const { hosts: _, ...each } = req;
  const parts = await Promise.all([
    ...(names.includes('local') ? [local(each)] : []),
    ...remotes.map((h) => h.invoke('data:export-preview', each, 60_000)),
  ]);
  const sum = newTally();
  for (const p of parts) for (const k of Object.keys(sum) as Array<keyof ExportTally>) sum[k] += p[k];
  return sum;
}

/** The hosts a request names, each remote answering: else refused (400 unknown, 503 not answering). */
async function chosen(hosts: RemoteHost[], req: ExportRequest): Promise<{ names: string[]; remotes: RemoteHost[] }> {
  const names = req.hosts === 'all' ? ['local', ...hosts.map((h) => h.name)] : (req.hosts ?? []);
  const unknown = names.filter((n) => n !== 'local' && !hosts.some((h) => h.name === n));
  if (unknown.length)
    throw new HttpError(
      400,
      `unknown host ${unknown.join(', ')} (this hub has local, ${hosts.map((h) => h.name).join(', ')})`,
    );
  const remotes = hosts.filter((h) => names.includes(h.name)).sort((a, b) => a.name.localeCompare(b.name));
  await Promise.all(remotes.map((h) => h.ping()));
  const dead = remotes.filter((h) => h.status.reachable !== true);
  if (dead.length)
    throw new HttpError(
      503,
      `host ${dead.map((h) => `${h.name} (${h.status.error ?? 'not answering'})`).join(', ')} does not answer: ` +
        'the export would lack its sessions; choose the hosts that answer',
    );
  return { names, remotes };
}
