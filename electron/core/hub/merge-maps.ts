// The alert map of a hub: this engine's and each remote's, one after another (sessions live on one
// engine each, so nothing is counted twice), kinds joined. A host that did not answer is named.
import type { AlertMap } from '../../../shared/api.ts';
import type { AlertKind, Unanswered } from '../../../shared/domain.ts';

export function mergeAlertMaps(
  local: AlertMap,
  hosts: ReadonlyArray<{ name: string }>,
  read: Array<PromiseSettledResult<AlertMap>>,
): AlertMap {
  const out: AlertMap = {
    sessions: [],
    kinds: [],
    cells: { session: [], episodeIndex: [], episodeId: [], kind: [], count: [], firstAt: [] },
    truncated: false,
  };
  const unanswered: Unanswered[] = [];
  const kindIndex = new Map<AlertKind, number>();
  const add = (m: AlertMap) => {
    const base = out.sessions.length;
    out.sessions.push(...m.sessions);
    const kinds = m.kinds.map((k) => {
      if (!kindIndex.has(k)) kindIndex.set(k, out.kinds.push(k) - 1);
      return kindIndex.get(k)!;
    });
    const c = m.cells;
    for (let i = 0; i < c.session.length; i++) {
      out.cells.session.push(base + c.session[i]!);
      out.cells.episodeIndex.push(c.episodeIndex[i]!);
      out.cells.episodeId.push(c.episodeId[i]!);
      out.cells.kind.push(kinds[c.kind[i]!]!);
      out.cells.count.push(c.count[i]!);
      out.cells.firstAt.push(c.firstAt[i]!);
    }
    out.truncated ||= m.truncated;
  };
  add(local);
  read.forEach((r, i) => {
    if (r.status === 'fulfilled') add(r.value);
    else unanswered.push({ host: hosts[i]!.name, error: (r.reason as Error).message });
  });
  return unanswered.length ? { ...out, unanswered } : out;
}
