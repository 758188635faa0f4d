// Numbers for the pictures: gateways' and the engine's resources over time, rewards per episode and
// calls' timings and sizes. Read from the store only.
import { HttpError } from '../http/errors.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';

type Channels = 'resources:series' | 'stats:rewards' | 'stats:calls' | 'stats:prompt-sizes' | 'stats:alert-times';

export type StatsDeps = Pick<Workbench, 'store'>;

export function statsHandlers(wb: StatsDeps): Pick<ApiHandlers, Channels> {
  const { store } = wb;
  return {
    'resources:series': (req) => {
      const now = Date.now();
      const to = Math.min(req.untilMs ?? now, now);
      if (!store.resources) throw new HttpError(409, 'this engine keeps no resource history');
      return store.resources.series(to - req.sinceMs, to, now);
    },
    'stats:rewards': (req) => store.stats.rewards(req.sessionKey, req.by, req),
    'stats:calls': (req) => store.stats.calls(req.sessionKey),
    'stats:prompt-sizes': (req) => {
      if (!store.episodes.get(req.episodeId)) throw new HttpError(404, `unknown episode ${req.episodeId}`);
      return store.stats.promptSizes(req.episodeId);
    },
    'stats:alert-times': (req) => store.stats.alertTimes(req),
  };
}
