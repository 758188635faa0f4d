// AReaL's inference-proxy routes on the recorder: start a session (an episode with its key), give
// a reward to an interaction, end the session, and export trajectories.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Episode, Reward } from '../../../shared/domain.ts';
import { exportBody, rlRewardBody, rlStartBody } from '../../../shared/schemas.ts';
import { bearerToken, readBody, readJson } from '../http/body.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import { route, type Route } from '../http/server.ts';
import { trajectories } from '../export/trajectories.ts';
import type { KeyInfo } from '../store/episodes-repo.ts';
import type { Store } from '../store/store.ts';

export interface RlDeps {
  store: Store;
  adminKey: string;
  bodyLimit: number;
  /** Creates a session with one open episode for /rl/start_session. */
  startRlSession(taskId: string, apiKey: string | undefined): Promise<Episode>;
  /** Ends an episode started anywhere (DataProxy or /rl). */
  endEpisode(episodeId: string): Promise<void>;
  /** Stores an agent-side reward for one interaction (the reward rules live in one place). */
  giveReward(r: { episodeId: string; callId: string; value: number }): Reward;
}

type EpisodeFor = (req: IncomingMessage, requireOpen: boolean) => KeyInfo & { key: string };

export function rlRoutes(deps: RlDeps, episodeFor: EpisodeFor): Route[] {
  const requireAdmin = (req: IncomingMessage) => {
    if (bearerToken(req) !== deps.adminKey) throw new HttpError(401, 'missing or wrong admin key');
  };

  const start = async (req: IncomingMessage, res: ServerResponse) => {
    requireAdmin(req);
    const body = await readJson(req, deps.bodyLimit, rlStartBody);
    if (body.api_key && deps.store.episodes.keyInfo(body.api_key)) {
      throw new HttpError(409, 'that api_key is already bound to an episode');
    }
    const ep = await deps.startRlSession(body.task_id, body.api_key);
    sendJson(res, 200, { session_id: ep.id, api_key: ep.upstreamKey });
  };

  const reward = async (req: IncomingMessage, res: ServerResponse) => {
    const ep = episodeFor(req, false);
    const body = await readJson(req, deps.bodyLimit, rlRewardBody);
    if (ep.status !== 'open') throw new HttpError(410, 'this episode has ended; rewards go through the workbench now');
    const calls = deps.store.calls.list({ episodeId: ep.id });
    if (calls.length === 0) throw new HttpError(400, 'no interaction recorded for this key yet');
    const callId = body.interaction_id ?? calls[calls.length - 1]!.id;
    deps.giveReward({ episodeId: ep.id, callId, value: body.reward });
    sendJson(res, 200, { message: 'success', interaction_count: calls.length });
  };

  const end = async (req: IncomingMessage, res: ServerResponse) => {
    const ep = episodeFor(req, false);
    await readBody(req, deps.bodyLimit);
    if (ep.status !== 'open') throw new HttpError(410, 'this episode has already ended');
    await deps.endEpisode(ep.id);
    sendJson(res, 200, { message: 'success', interaction_count: deps.store.calls.count({ episodeId: ep.id }) });
  };

  const exportTrajectories = async (req: IncomingMessage, res: ServerResponse) => {
    requireAdmin(req);
    const body = await readJson(req, deps.bodyLimit, exportBody);
    const episode = deps.store.episodes.get(body.session_id);
    if (!episode) throw new HttpError(404, `unknown session_id ${body.session_id}`);
    const interactions = trajectories(deps.store, episode.id, body.discount ?? 1, body.style ?? 'individual');
    sendJson(res, 200, { interactions });
  };

  return [
    route('POST', '/rl/start_session', start),
    route('POST', '/rl/set_reward', reward),
    route('POST', '/rl/end_session', end),
    route('POST', '/export_trajectories', exportTrajectories),
  ];
}
