// Replays, comparisons and groups of rollouts. A replay or a group answers as soon as it has
// started; its turns run in the background and reach the UI as events.
import { compareEpisodes } from '../rollouts/compare.ts';
import { groupView, startGroup } from '../rollouts/groups.ts';
import { startReplay } from '../rollouts/replay.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';

type Channels =
  'episodes:replay' | 'episodes:compare' | 'groups:start' | 'groups:list' | 'groups:get' | 'progress:list';

/** What these handlers may use of the engine. */
export type RolloutDeps = Pick<Workbench, 'store' | 'track' | 'rolloutDeps' | 'analysis' | 'progress'>;

export function rolloutHandlers(wb: RolloutDeps): Pick<ApiHandlers, Channels> {
  return {
    'episodes:replay': async (req) => {
      const run = await startReplay(wb.rolloutDeps(), req.episodeId, req.overrides);
      void wb.track(run.done);
      return run.started;
    },
    // both show alerts: what the analysis worker still holds is waited for
    'episodes:compare': async (req) => {
      await wb.analysis.settled();
      return compareEpisodes(wb.store, req.episodeId, req.otherId);
    },
    'groups:start': (req) => {
      const run = startGroup(wb.rolloutDeps(), req);
      void wb.track(run.done);
      return run.started;
    },
    'groups:list': (req) => wb.store.episodes.groups(req),
    'progress:list': () => wb.progress.list(),
    'groups:get': async (req) => {
      await wb.analysis.settled();
      return groupView(wb.store, req.groupId);
    },
  };
}
