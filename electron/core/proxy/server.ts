// The DataProxy's HTTP surface: AReaL agent-service routes with admin auth, validated session
// keys and bodies, plus the OpenAI-compatible front doors (see openai-doors.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { episodeEndBody, episodeStartBody, rewardBody, turnBody } from '../../../shared/schemas.ts';
import type { EpisodeEndAnswer, EpisodeStartAnswer, TurnAnswer } from '../../../shared/wire/areal.ts';
import { bearerToken, readJson } from '../http/body.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import type { HttpPolicy } from '../http/policy.ts';
import { HttpService, route, type Handler } from '../http/server.ts';
import { NO_EMITTER } from '../runtime/types.ts';
import type { ToolCall } from '../../../shared/domain.ts';
import type { SessionManager } from '../sessions/manager.ts';
import { checkSessionKey } from './keys.ts';
import { chatCompletionsDoor, responsesDoor } from './openai-doors.ts';

export interface ProxyOptions {
  sessions: SessionManager;
  adminKey: string;
  bodyLimit: number;
  policy: HttpPolicy;
}

export function createDataProxy(opts: ProxyOptions): HttpService {
  const { sessions, bodyLimit } = opts;
  const authed =
    (h: Handler): Handler =>
    (req, res, params) => {
      if (bearerToken(req) !== opts.adminKey)
        throw new HttpError(401, 'missing or wrong admin key (Authorization: Bearer <adminKey>)');
      return h(req, res, params);
    };
  const withKey = (h: (req: IncomingMessage, res: ServerResponse, key: string) => Promise<void> | void): Handler =>
    authed((req, res, params) => h(req, res, checkSessionKey(params[0]!)));

  return new HttpService(
    'data-proxy',
    [
      route('GET', '/health', (_req, res) =>
        sendJson(res, 200, { status: 'ok', active_sessions: sessions.activeCount }),
      ),
      route(
        'POST',
        '/session/:key/episode/start',
        withKey(async (req, res, key) => {
          const body = await readJson(req, bodyLimit, episodeStartBody);
          const ep = await sessions.startEpisode(key, { taskId: body.task_id, metadata: body.metadata });
          const answer: EpisodeStartAnswer = {
            session_key: key,
            episode_id: ep.id,
            episode_index: ep.index,
            session_api_key: ep.upstreamKey,
          };
          sendJson(res, 200, answer);
        }),
      ),
      route(
        'POST',
        '/session/:key/turn',
        withKey(async (req, res, key) => {
          const body = await readJson(req, bodyLimit, turnBody);
          const { turn, result, episode } = await sessions.turn(key, body, NO_EMITTER);
          const answer: TurnAnswer = {
            summary: result.text,
            metadata: {
              ...result.metadata,
              turn_id: turn.id,
              episode_id: episode.id,
              session_key: key,
              episode_index: episode.index,
              turn_index: turn.index,
              tool_calls: toolCallSummary(result.toolCalls),
              upstream_calls: turn.callCount,
              run_id: body.run_id ?? null,
            },
            events: result.events,
          };
          sendJson(res, 200, answer);
        }),
      ),
      route(
        'POST',
        '/session/:key/reward',
        withKey(async (req, res, key) => {
          const body = await readJson(req, bodyLimit, rewardBody);
          const r = sessions.reward(key, body);
          sendJson(res, 200, {
            reward: r.value,
            reward_id: r.id,
            episode_id: r.episodeId,
            turn_id: r.turnId,
            source: r.source,
            labeler: r.labeler,
            note: r.note,
            created_at: r.createdAt,
          });
        }),
      ),
      route(
        'POST',
        '/session/:key/episode/end',
        withKey(async (req, res, key) => {
          const body = await readJson(req, bodyLimit, episodeEndBody);
          const { episode, reward } = await sessions.endEpisode(key, body.reward);
          const answer: EpisodeEndAnswer = { episode_id: episode.id, reward, turns: episode.turnCount };
          sendJson(res, 200, answer);
        }),
      ),
      route(
        'GET',
        '/session/:key/history',
        withKey((_req, res, key) => sendJson(res, 200, { history: sessions.history(key) })),
      ),
      route(
        'POST',
        '/session/:key/close',
        withKey(async (_req, res, key) => {
          await sessions.close(key);
          sendJson(res, 200, { status: 'ok' });
        }),
      ),
      route(
        'POST',
        '/v1/chat/completions',
        authed((req, res) => chatCompletionsDoor(sessions, bodyLimit, req, res)),
      ),
      route(
        'POST',
        '/v1/responses',
        authed((req, res) => responsesDoor(sessions, bodyLimit, req, res)),
      ),
    ],
    null,
    opts.policy,
  );
}

/** AReaL's view of the tool calls a turn made: name and parsed input. */
export function toolCallSummary(calls: ToolCall[]): Array<{ name: string; input: unknown }> {
  return calls.map((c) => {
    let input: unknown = c.arguments;
    try {
      input = JSON.parse(c.arguments);
    } catch {
      /* keep the raw text */
    }
    return { name: c.name, input };
  });
}
