// The DataProxy's HTTP surface: AReaL's agent-service routes (as its Gateway, controllers and agent
// services call them) with validated session keys and bodies, plus the OpenAI-compatible front
// doors (see openai-doors.ts). Every route needs the admin key — as a bearer, or as the password of
// Basic auth, which is what AReaL's httpx clients send for an address with userinfo — except that
// AReaL's Gateway, which authenticates only to its Router, reaches turn, close and history with the
// per-run Basic credential it finds in the address the Router gave it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ToolCall } from '../../../shared/domain.ts';
import { episodeEndBody, episodeStartBody, rewardBody, turnBody } from '../../../shared/schemas.ts';
import type { EpisodeEndAnswer, EpisodeStartAnswer, TurnAnswer } from '../../../shared/wire/areal.ts';
import { basicPassword, bearerToken, readJson } from '../http/body.ts';
import { HttpError, sendJson } from '../http/errors.ts';
import type { HttpPolicy } from '../http/policy.ts';
import { sameSecret } from '../http/secret.ts';
import { HttpService, route, type Handler } from '../http/server.ts';
import { NO_EMITTER } from '../runtime/types.ts';
import type { SessionManager } from '../sessions/manager.ts';
import { checkSessionKey } from './session-keys.ts';
import { answerAsChat, chatCompletionsDoor, responsesDoor } from './openai-doors.ts';

export interface ProxyOptions {
  sessions: SessionManager;
  adminKey: string;
  bodyLimit: number;
  policy: HttpPolicy;
  /** The Basic credential ("areal:<secret>") registered with AReaL's Router, if any. */
  gatewayCredential?: string | null;
}

/** Fields of a turn body that are handed on, never stored as "what the caller sent" (keys included). */
const NOT_STORED = new Set(['message', 'metadata', 'inf_base_url', 'session_api_key', 'inf_model']);

export function createDataProxy(opts: ProxyOptions): HttpService {
  const { sessions, bodyLimit } = opts;
  const basic = opts.gatewayCredential ? `Basic ${Buffer.from(opts.gatewayCredential).toString('base64')}` : null;
  const authed =
    (h: Handler, gatewayMayCall = false): Handler =>
    (req, res, params) => {
      const key = bearerToken(req) ?? basicPassword(req);
      const admin = key !== null && sameSecret(key, opts.adminKey);
      const gateway = gatewayMayCall && basic !== null && sameSecret(req.headers.authorization, basic);
      if (!admin && !gateway) throw new HttpError(401, 'missing or wrong admin key (Authorization: Bearer <adminKey>)');
      return h(req, res, params);
    };
  const withKey = (
    h: (req: IncomingMessage, res: ServerResponse, key: string) => Promise<void> | void,
    gateway = false,
  ) => authed((req, res, params) => h(req, res, checkSessionKey(params[0]!)), gateway);

  const episodeStart = withKey(async (req, res, key) => {
    const body = await readJson(req, bodyLimit, episodeStartBody);
    const { task_id, metadata, session_id, llm_base_url, llm_api_key, llm_model, extras, ...rest } = body;
    // a TrainingContext's llm_* route the episode's calls (recorded all the same, like inf_base_url)
    const upstream =
      llm_base_url && llm_api_key
        ? { baseUrl: llm_base_url, apiKey: llm_api_key, model: llm_model ?? null, origin: 'training_context' as const }
        : undefined;
    const training =
      session_id || extras ? { training_context: { session_id: session_id ?? null, extras: extras ?? {} } } : {};
    const ep = await sessions.startEpisode(key, {
      taskId: task_id ?? session_id ?? undefined,
      metadata: { ...(metadata ?? {}), ...training, ...(Object.keys(rest).length ? { request_fields: rest } : {}) },
      upstream,
    });
    const answer: EpisodeStartAnswer = {
      status: 'ok',
      session_key: key,
      episode_id: ep.id,
      episode_index: ep.index,
      session_api_key: ep.upstreamKey,
    };
    sendJson(res, 200, answer);
  });

  const turn = withKey(async (req, res, key) => {
    const body = await readJson(req, bodyLimit, turnBody);
    const requestFields = Object.fromEntries(Object.entries(body).filter(([k]) => !NOT_STORED.has(k)));
    const input = { ...body, requestFields };
    // AReaL's chat-completions bridge relays the DataProxy's answer to its caller byte for byte
    const chat = body.metadata?.chat_request;
    if (chat && typeof chat === 'object' && !Array.isArray(chat)) {
      const c = chat as { model?: unknown; stream?: unknown };
      const request = { model: typeof c.model === 'string' ? c.model : undefined, stream: c.stream === true };
      return answerAsChat(sessions, key, input, request, res);
    }
    const { turn, result, episode } = await sessions.turn(key, input, NO_EMITTER);
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
  }, true);

  const reward = withKey(async (req, res, key) => {
    const body = await readJson(req, bodyLimit, rewardBody);
    const r = sessions.reward(key, {
      reward: body.reward,
      turn_id: body.turn_id ?? undefined,
      note: body.note ?? undefined,
      labeler: body.labeler ?? undefined,
    });
    sendJson(res, 200, {
      status: 'ok',
      reward: r.value,
      reward_id: r.id,
      episode_id: r.episodeId,
      turn_id: r.turnId,
      source: r.source,
      labeler: r.labeler,
      note: r.note,
      created_at: r.createdAt,
    });
  });

  const episodeEnd = withKey(async (req, res, key) => {
    const body = await readJson(req, bodyLimit, episodeEndBody);
    // AReaL's agent service answers an end with nothing open with 200; so does this one — unless a
    // reward came with it, which would be lost without a word
    if (!sessions.hasOpenEpisode(key) && body.reward == null) {
      const nothing: EpisodeEndAnswer = { status: 'ok', episode_id: null, reward: null, turns: 0 };
      return sendJson(res, 200, nothing);
    }
    const { episode, reward } = await sessions.endEpisode(key, body.reward ?? undefined);
    const answer: EpisodeEndAnswer = { status: 'ok', episode_id: episode.id, reward, turns: episode.turnCount };
    sendJson(res, 200, answer);
  });

  const history = withKey((_req, res, key) => sendJson(res, 200, { history: sessions.history(key) }), true);

  const close = withKey(async (_req, res, key) => {
    await sessions.close(key);
    sendJson(res, 200, { status: 'ok' });
  }, true);

  return new HttpService(
    'data-proxy',
    [
      route('GET', '/health', (_req, res) =>
        sendJson(res, 200, { status: 'ok', active_sessions: sessions.activeCount }),
      ),
      route('POST', '/session/:key/episode/start', episodeStart),
      route('POST', '/session/:key/turn', turn),
      route('POST', '/session/:key/reward', reward),
      route('POST', '/session/:key/episode/end', episodeEnd),
      route('GET', '/session/:key/history', history),
      route('POST', '/session/:key/close', close),
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
