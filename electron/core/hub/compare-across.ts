// Two episodes on different engines of a hub, compared as one engine compares its own.
import type { InvokeRequest } from '../../../shared/api.ts';
import type { EpisodeComparison } from '../../../shared/rollouts.ts';
import type { ApiHandlers } from '../api/types.ts';
import type { Owners } from './owners.ts';
import type { RemoteHost } from './remote.ts';

/**
 * Two episodes on different engines, compared: each engine gives its episode's side (an episode
 * compared with itself), and the hub sets them side by side by turn index as one engine would.
 * Null when both live on one engine (it compares them itself).
 */
export async function compareAcross(
  owners: Owners,
  req: InvokeRequest<'episodes:compare'>,
  local: ApiHandlers,
): Promise<EpisodeComparison | null> {
  const [ha, hb] = [owners.episode(req.episodeId), owners.episode(req.otherId)];
  if (ha === hb) return null;
  const one = (host: RemoteHost | undefined, id: string) =>
    host
      ? host.invoke('episodes:compare', { episodeId: id, otherId: id })
      : local['episodes:compare']({ episodeId: id, otherId: id });
  const [a, b] = await Promise.all([one(ha, req.episodeId), one(hb, req.otherId)]);
  const turns = Array.from({ length: Math.max(a.turns.length, b.turns.length) }, (_, index) => ({
    index,
    a: a.turns[index]?.a ?? null,
    b: b.turns[index]?.a ?? null,
  }));
  return { a: a.a, b: b.a, turns };
}
