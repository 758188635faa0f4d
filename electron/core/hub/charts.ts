// The alert map and the Stats view's charts on a hub: this engine's and every answering remote's,
// merged (hub/merge-maps.ts, hub/merge-stats.ts); one session's charts go to the engine that owns it.
import type { InvokeRequest, InvokeResponse } from '../../../shared/api.ts';
import type { ApiHandlers } from '../api/types.ts';
import { mergeAlertMaps } from './merge-maps.ts';
import { mergeAlertTimes, mergeCallStats, mergedRewardStats } from './merge-stats.ts';
import type { RemoteHost } from './remote.ts';

type Channels = 'alerts:map' | 'stats:calls' | 'stats:alert-times' | 'stats:rewards';

export function chartHandlers(
  local: ApiHandlers,
  owned: ApiHandlers,
  hostsNow: () => RemoteHost[],
  ask: <T>(h: RemoteHost, ask: () => Promise<T>) => Promise<T>,
): Pick<ApiHandlers, Channels> {
  const everywhere = async <C extends 'stats:calls' | 'stats:alert-times' | 'stats:rewards'>(
    channel: C,
    req: InvokeRequest<C>,
  ): Promise<Array<InvokeResponse<C>>> => {
    const mine = (local[channel] as (r: InvokeRequest<C>) => Promise<InvokeResponse<C>>)(req);
    const read = await Promise.allSettled([mine, ...hostsNow().map((h) => ask(h, () => h.invoke(channel, req)))]);
    return read.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  };
  return {
    'alerts:map': async (req) => {
      const hosts = hostsNow();
      if (!hosts.length) return local['alerts:map'](req);
      const read = await Promise.allSettled(hosts.map((h) => ask(h, () => h.invoke('alerts:map', req))));
      return mergeAlertMaps(await local['alerts:map'](req), hosts, read);
    },
    // one session's, or this engine's alone when it has no remotes: as it answers them
    'stats:calls': async (req) =>
      req.sessionKey || !hostsNow().length
        ? owned['stats:calls'](req)
        : mergeCallStats(await everywhere('stats:calls', req)),
    'stats:alert-times': async (req) =>
      req.sessionKey || !hostsNow().length
        ? owned['stats:alert-times'](req)
        : mergeAlertTimes(await everywhere('stats:alert-times', req)),
    'stats:rewards': (req) =>
      req.sessionKey || !hostsNow().length
        ? owned['stats:rewards'](req)
        : mergedRewardStats(req, (r) => everywhere('stats:rewards', r)),
  };
}
