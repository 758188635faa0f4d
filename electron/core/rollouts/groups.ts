// Groups of rollouts: the same user messages through N fresh sessions at once (or AReaL's
// group_size sessions), viewed side by side with GRPO's group-relative advantage.
import { randomUUID } from 'node:crypto';
import { groupAdvantages, type GroupView, type RunOverrides } from '../../../shared/rollouts.ts';
import { HttpError } from '../http/errors.ts';
import type { Store } from '../store/store.ts';
import { drive, freshKey, runOptions, upstreamFor } from './drive.ts';
import type { Running, RolloutDeps } from './types.ts';

export interface GroupRequest {
  messages: string[];
  size: number;
  taskId?: string;
  overrides?: RunOverrides;
}

/**
 * Opens N sessions and starts every rollout at once; resolves when all sessions exist (their
 * episodes start and run in the background, as each runtime gets ready).
 */
export function startGroup(deps: RolloutDeps, req: GroupRequest): Running<{ groupId: string; sessionKeys: string[] }> {
  const o = req.overrides ?? {};
  const runtime = o.runtime ?? deps.defaultRuntime();
  const upstream = upstreamFor(deps, o, undefined); // checked before anything is created
  const groupId = `grp-${randomUUID()}`;
  const taskId = req.taskId ?? req.messages[0]!.slice(0, 80);
  const stem = `group-${groupId.slice(4, 12)}`;
  const keys: string[] = [];
  for (let i = 0; i < req.size; i++) {
    const key = freshKey(deps, `${stem}-${i + 1}`);
    deps.sessions.ensure(key, runtime, 'live');
    deps.sessions.configure(key, runOptions({}, o));
    keys.push(key);
  }
  const total = req.size * req.messages.length;
  const p = deps.progress.start('group', `Group of ${req.size}: ${taskId}`, `starting ${req.size} sessions`, total);
  let turns = 0;
  let failed = 0;
  const turned = () => p.step(`${++turns} of ${total} turns`, turns);
  const done = Promise.all(
    keys.map(async (key) => {
      try {
        await deps.sessions.startEpisode(key, { taskId, groupId, metadata: { group: { id: groupId } }, ...upstream });
      } catch (err) {
        failed++;
        deps.warn(`${key}: the rollout could not start: ${(err as Error).message}`);
        return;
      }
      if (!(await drive(deps, key, req.messages, turned))) failed++;
    }),
  ).then(() => p.finish(failed ? `${failed} of ${req.size} rollouts did not finish` : null));
  return { started: { groupId, sessionKeys: keys }, done };
}

/** A rollout's reward: its episode reward, else the newest reward given anywhere in it (AReaL's set_reward). */
function rolloutReward(store: Store, episodeId: string, episodeReward: number | null): number | null {
  if (episodeReward !== null) return episodeReward;
  return store.rewards.list(episodeId).at(-1)?.value ?? null;
}

export function groupView(store: Store, groupId: string): GroupView {
  const episodes = store.episodes.list({ groupId, limit: 1000 }).items;
  if (episodes.length === 0) throw new HttpError(404, `unknown group ${groupId}`);
  const rewards = episodes.map((e) => rolloutReward(store, e.id, e.reward));
  const { advantages, mean, std } = groupAdvantages(rewards);
  const rollouts = episodes.map((episode, i) => ({
    episode: { ...episode, reward: rewards[i]! },
    turns: store.turns.list(episode.id),
    alerts: store.alerts.count({ episodeId: episode.id }),
    advantage: advantages[i]!,
  }));
  rollouts.sort((a, b) => (b.episode.reward ?? -Infinity) - (a.episode.reward ?? -Infinity));
  return { groupId, taskId: episodes[0]!.taskId, mean, std, rollouts };
}
