// Replaying an episode: its user messages, in order, through a new session — with the settings the
// source ran with, or changed ones — into a new episode linked to the source. The source is only read.
import { STARTABLE_RUNTIMES, type RuntimeKind } from '../../../shared/domain.ts';
import type { ReplayStarted, RunOverrides } from '../../../shared/rollouts.ts';
import { HttpError } from '../http/errors.ts';
import { drive, freshKey, runOptions, upstreamFor } from './drive.ts';
import type { Running, RolloutDeps } from './types.ts';

export async function startReplay(
  deps: RolloutDeps,
  episodeId: string,
  overrides: RunOverrides = {},
): Promise<Running<ReplayStarted>> {
  const { store, sessions } = deps;
  const source = store.episodes.get(episodeId);
  if (!source) throw new HttpError(404, `unknown episode ${episodeId}`);
  const messages = store.turns
    .list(episodeId)
    .map((t) => t.message)
    .filter((m) => m.trim());
  if (messages.length === 0) throw new HttpError(409, `episode ${episodeId} has no user message to replay`);
  const sourceRuntime = store.sessions.get(source.sessionKey)!.runtime;
  // an external agent's or an imported episode is replayed on a runtime of this engine
  const runtime: RuntimeKind =
    overrides.runtime ??
    ((STARTABLE_RUNTIMES as readonly string[]).includes(sourceRuntime) ? sourceRuntime : deps.defaultRuntime());
  const upstream = upstreamFor(deps, overrides, source.upstreamId);

  const key = freshKey(deps, `${source.sessionKey}~replay`);
  sessions.ensure(key, runtime, 'live');
  const n = messages.length;
  const title = `Replay of ${source.sessionKey} episode ${source.index}`;
  // the episode start waits for the session's gateway: a cold one takes 15–25 s
  const p = deps.progress.start('replay', title, 'starting its session and gateway', n);
  try {
    sessions.configure(key, runOptions(sessions.runOptions(source.sessionKey), overrides));
    const episode = await sessions.startEpisode(key, {
      taskId: source.taskId ?? undefined,
      metadata: { replay: { of: episodeId, sessionKey: source.sessionKey, overrides } },
      replayOf: episodeId,
      ...upstream,
    });
    p.step(`turn 1 of ${n}`, 0);
    const done = drive(deps, key, messages, (k) => p.step(k < n ? `turn ${k + 1} of ${n}` : 'ending', k)).then((ok) =>
      p.finish(ok ? null : 'a turn failed: the replay stopped there'),
    );
    return { started: { episode, sourceEpisodeId: episodeId }, done };
  } catch (err) {
    p.finish((err as Error).message);
    await sessions.close(key); // nothing half-started stays running
    throw err;
  }
}
