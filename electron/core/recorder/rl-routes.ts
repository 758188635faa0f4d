// AReaL's inference-proxy routes on the recorder, in today's shapes and the older ones side by
// side: start a session or a group of them, reward an interaction (which finalizes the
// trajectory), end a session (older clients), and export trajectories by session id(s).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Episode, Reward } from '../../../shared/domain.ts';
import { exportBodyV1, exportBodyV2, rlRewardBody, rlStartBody } from '../../../shared/schemas.ts';
import { exportLines } from '../export/jsonl.ts';
import { stringTrajectory, trainingCalls, trajectories, type TrajectoryOptions } from '../export/trajectories.ts';
import { readBody, readJson, validate } from '../http/body.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import { requireBearer } from '../http/secret.ts';
import { route, type Route } from '../http/server.ts';
import type { KeyInfo } from '../store/episodes-repo.ts';
import { wellFormedJson } from '../export/well-formed.ts';
import type { SecretMask } from '../secret-mask.ts';
import type { Store } from '../store/store.ts';

export interface RlDeps {
  store: Store;
  adminKey: string;
  bodyLimit: number;
  /** Opens `size` sessions of an external agent, one episode each, under one group id. */
  startRlGroup(
    taskId: string,
    apiKey: string | undefined,
    size: number,
  ): Promise<{ groupId: string; episodes: Episode[] }>;
  /** Ends an episode started anywhere (DataProxy or /rl). */
  endEpisode(episodeId: string): Promise<void>;
  /** Stores an agent-side reward for one interaction (the reward rules live in one place). */
  giveReward(r: { episodeId: string; callId: string; value: number }): Reward;
  /** The keys an export must not carry, though an upstream echoed them (secret-mask.ts). */
  secretMask(): SecretMask;
}

type EpisodeFor = (
  req: IncomingMessage,
  opts: { requireOpen: boolean; allowAdmin: boolean },
) => Promise<KeyInfo & { key: string }>;

export function rlRoutes(deps: RlDeps, episodeFor: EpisodeFor): Route[] {
  const { store } = deps;
  // as AReaL's inference proxy answers: no bearer 401, a bearer that is not the admin key 403
  const requireAdmin = (req: IncomingMessage) =>
    requireBearer(req, { name: 'admin key', secret: deps.adminKey, wrong: 403 });

  // 201 with today's group answer and, beside it, the older single-session fields (the first session)
  const start = async (req: IncomingMessage, res: ServerResponse) => {
    requireAdmin(req);
    const body = await readJson(req, deps.bodyLimit, rlStartBody);
    if (body.api_key && store.episodes.keyInfo(body.api_key)) {
      throw new HttpError(409, 'that api_key is already bound to an episode');
    }
    const { groupId, episodes } = await deps.startRlGroup(
      body.task_id,
      body.api_key ?? undefined,
      Math.max(body.group_size ?? 1, 1),
    );
    const sessions = episodes.map((e) => ({ session_id: e.id, session_api_key: e.upstreamKey }));
    sendJson(res, 201, {
      group_id: groupId,
      sessions,
      session_id: sessions[0]!.session_id,
      api_key: sessions[0]!.session_api_key,
    });
  };

  // rewards an interaction and finalizes the trajectory: the episode ends (AReaL marks it ready)
  const reward = async (req: IncomingMessage, res: ServerResponse) => {
    const ep = await episodeFor(req, { requireOpen: false, allowAdmin: true });
    const body = await readJson(req, deps.bodyLimit, rlRewardBody);
    const calls = trainingCalls(store, ep.id);
    const answer = (readyTransition: boolean) => ({
      message: 'success',
      interaction_count: calls.length,
      session_id: ep.id,
      trajectory_id: 0,
      trajectory_ready: true,
      ready_transition: readyTransition,
    });
    if (ep.status !== 'open') {
      // AReaL answers a repeated reward for the finalized trajectory as a duplicate, anything else 400
      const last = store.rewards
        .list(ep.id)
        .filter((r) => r.callId)
        .at(-1);
      if (last && (!body.interaction_id || body.interaction_id === last.callId))
        return sendJson(res, 200, answer(false));
      throw new HttpError(400, 'No interactions in session: its trajectory was already finalized');
    }
    if (calls.length === 0) throw new HttpError(400, 'No interactions in session');
    const callId = body.interaction_id ?? calls[calls.length - 1]!.id;
    if (!calls.some((c) => c.id === callId)) throw new HttpError(400, `Interaction ${callId} not found`);
    deps.giveReward({ episodeId: ep.id, callId, value: body.reward });
    await deps.endEpisode(ep.id);
    sendJson(res, 200, answer(true));
  };

  // the older wire (AReaL #1121 removed it): end a session explicitly
  const end = async (req: IncomingMessage, res: ServerResponse) => {
    const ep = await episodeFor(req, { requireOpen: false, allowAdmin: false });
    await readBody(req, deps.bodyLimit);
    if (ep.status !== 'open') throw new HttpError(410, 'this episode has already ended');
    await deps.endEpisode(ep.id);
    sendJson(res, 200, { message: 'success', interaction_count: store.calls.count({ episodeId: ep.id }) });
  };

  const exportTrajectories = async (req: IncomingMessage, res: ServerResponse) => {
    requireAdmin(req);
    const raw = await readJson(req, deps.bodyLimit, z.unknown());
    if (raw && typeof raw === 'object' && 'session_ids' in raw) {
      const body = validate(exportBodyV2, raw);
      const options = {
        discount: body.discount ?? 1,
        style: body.style ?? 'individual',
        dropRetryOrphans: body.drop_retry_orphans,
      };
      // like AReaL: only finalized trajectories, unknown or already forgotten sessions are skipped
      const ready = body.session_ids.filter((id) => {
        const ep = store.episodes.get(id);
        return ep && ep.status === 'ended' && !store.episodes.exported(id) && (body.trajectory_id ?? 0) === 0;
      });
      if (body.tokens) {
        const text = tokenRowsAnswer(store, ready, options, deps.secretMask());
        if (body.remove_session ?? true) store.episodes.markExported(ready);
        return sendExportText(res, text);
      }
      const traj = stringTrajectory(store, ready, options);
      if (body.remove_session ?? true) store.episodes.markExported(ready);
      return sendExport(res, deps.secretMask().value({ traj }));
    }
    const body = validate(exportBodyV1, raw);
    const episode = store.episodes.get(body.session_id);
    if (!episode) throw new HttpError(404, `unknown session_id ${body.session_id}`);
    const options = {
      discount: body.discount ?? 1,
      style: body.style ?? 'individual',
      dropRetryOrphans: body.drop_retry_orphans,
    };
    if (body.tokens) return sendExportText(res, tokenRowsAnswer(store, [episode.id], options, deps.secretMask()));
    sendExport(res, deps.secretMask().value({ interactions: trajectories(store, episode.id, options) }));
  };

  return [
    route('POST', '/rl/start_session', start),
    route('POST', '/rl/set_reward', reward),
    route('POST', '/rl/end_session', end),
    route('POST', '/export_trajectories', exportTrajectories),
  ];
}

/**
 * `{"token_rows": […]}`: the episodes' rows as `trajscope export --tokens` writes them (each line is
 * one well-formed JSON object). As AReaL's route, an episode nobody rewarded has reward 0 — marked
 * `reward_source: "default"` — and the trainer named the sessions, lab ones included.
 */
function tokenRowsAnswer(store: Store, episodes: string[], o: TrajectoryOptions, mask: SecretMask): string {
  const rows = exportLines(store, {
    episodes,
    tokens: o.style,
    discount: o.discount,
    dropRetryOrphans: o.dropRetryOrphans ?? false,
    unlabeled: 'zero',
    includeLab: true,
  });
  return mask.text(`{"token_rows":[${[...rows].join(',')}]}`);
}

/** An export answer that every JSON reader takes: lone surrogates replaced (export/well-formed.ts). */
function sendExport(res: ServerResponse, body: unknown): void {
  sendExportText(res, wellFormedJson(body).text);
}

function sendExportText(res: ServerResponse, text: string): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}
