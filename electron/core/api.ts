// The workbench API's handlers, one per invoke channel of shared/api.ts. Both hosts (Electron IPC
// and the headless HTTP server) validate the payload with the channel's schema, then call these.
import type { z } from 'zod';
import { invokeRequests, type InvokeChannel, type InvokeResponse, type Settings } from '../../shared/api.ts';
import { HttpError } from './http/errors.ts';
import { readChunks } from './gateways/logs.ts';
import type { OpenClawRuntime } from './runtime/openclaw.ts';
import { NO_EMITTER } from './runtime/types.ts';
import type { OpenClawSettings, Workbench } from './workbench.ts';

export type ApiHandlers = {
  [K in InvokeChannel]: (req: z.output<(typeof invokeRequests)[K]>) => Promise<InvokeResponse<K>> | InvokeResponse<K>;
};

export const DEFAULT_SETTINGS: Settings = { rewardScale: [0, 0.25, 0.5, 0.75, 1], theme: 'system', labeler: 'me', isolation: 'rebind', openclawOverlay: {} };

export function createApiHandlers(wb: Workbench): ApiHandlers {
  const { store, sessions, events } = wb;
  const settings = (): Settings => {
    const saved = store.getSetting<OpenClawSettings>('openclaw') ?? {};
    return {
      ...DEFAULT_SETTINGS, ...store.getSetting<Partial<Settings>>('ui'),
      isolation: wb.openclawSettings().isolation, openclawOverlay: saved.overlay ?? {},
    };
  };
  const episode = (id: string) => {
    const ep = store.getEpisode(id);
    if (!ep) throw new HttpError(404, `unknown episode ${id}`);
    return ep;
  };
  const openclaw = () => wb.runtimes.openclaw as OpenClawRuntime | undefined;
  const session = (key: string) => {
    const info = sessions.info(key);
    if (!info) throw new HttpError(404, `unknown session ${key}`);
    return info;
  };
  return {
    'app:info': () => wb.info(),
    'settings:get': () => settings(),
    'settings:set': (req) => {
      const { isolation, openclawOverlay, ...ui } = req;
      store.db.tx(() => {
        const current = settings();
        store.setSetting('ui', { rewardScale: ui.rewardScale ?? current.rewardScale, theme: ui.theme ?? current.theme, labeler: ui.labeler ?? current.labeler });
        if (isolation !== undefined || openclawOverlay !== undefined) {
          const next: OpenClawSettings = { isolation: isolation ?? current.isolation, overlay: openclawOverlay ?? current.openclawOverlay };
          store.setSetting('openclaw', next);
        }
      });
      return settings();
    },
    'sessions:list': () => sessions.list(),
    'sessions:create': (req) => {
      const key = req.key ?? `session-${Date.now().toString(36)}`;
      sessions.ensure(key, req.runtime);
      return sessions.info(key)!;
    },
    'sessions:close': async (req) => {
      await sessions.close(req.key);
      return { ok: true as const };
    },
    'sessions:restart': async (req) => {
      if (session(req.key).runtime !== 'openclaw' || !openclaw()) throw new HttpError(409, `session ${req.key} has no gateway to restart`);
      await openclaw()!.restart(req.key);
      return session(req.key);
    },
    'gateways:config': (req) => {
      session(req.sessionKey);
      return { config: openclaw()?.gatewayOf(req.sessionKey)?.effectiveConfig() ?? null, binary: wb.info().openclaw };
    },
    'logs:recent': (req) => {
      session(req.sessionKey);
      const gw = openclaw()?.gatewayOf(req.sessionKey);
      return gw ? gw.log.recent() : readChunks(store.logChunks(req.sessionKey, 0, Date.now() + 1, 2000));
    },
    'logs:range': (req) => {
      session(req.sessionKey);
      openclaw()?.gatewayOf(req.sessionKey)?.log.flushIndex();
      return readChunks(store.logChunks(req.sessionKey, req.from, req.to, req.limit));
    },
    'episodes:list': (req) => store.listEpisodes(req),
    'episodes:start': (req) => sessions.startEpisode(req.sessionKey, { taskId: req.taskId }),
    'episodes:end': async (req) => (await sessions.endEpisode(req.sessionKey, req.reward)).episode,
    'turns:list': (req) => store.listTurns(episode(req.episodeId).id),
    'turns:get': (req) => {
      const turn = store.getTurn(req.turnId);
      if (!turn) throw new HttpError(404, `unknown turn ${req.turnId}`);
      return { ...turn, history: store.history(turn.episodeId, turn.historyLength) };
    },
    'turns:send': async (req) => (await sessions.turn(req.sessionKey, { message: req.message }, NO_EMITTER)).turn,
    'calls:list': (req) => store.listCalls(req),
    'calls:get': (req) => {
      const call = store.getCallDetail(req.callId);
      if (!call) throw new HttpError(404, `unknown call ${req.callId}`);
      return req.withRaw ? call : { ...call, rawResponse: null };
    },
    'rewards:list': (req) => store.listRewards(episode(req.episodeId).id),
    'rewards:set': (req) => {
      const ep = episode(req.episodeId);
      if (req.turnId) {
        const turn = store.getTurn(req.turnId);
        if (!turn || turn.episodeId !== ep.id) throw new HttpError(404, `turn ${req.turnId} is not part of episode ${ep.id}`);
      }
      const saved = store.insertReward({
        episodeId: ep.id, turnId: req.turnId ?? null, value: req.value, source: 'human',
        labeler: settings().labeler, note: req.note ?? null, rubric: req.rubric ?? null,
      });
      events.emit('rewards:changed', saved);
      events.emit('episodes:changed', store.getEpisode(ep.id)!);
      return saved;
    },
    'rewards:undo': (req) => {
      const ep = episode(req.episodeId);
      const last = store.listRewards(ep.id).filter((r) => r.source === 'human').pop() ?? null;
      if (last) {
        store.deleteReward(last.id);
        events.emit('episodes:changed', store.getEpisode(ep.id)!);
      }
      return { removed: last };
    },
    'alerts:list': (req) => store.listAlerts(req),
    'lab:list': async () => (await import('./analysis/lab.ts')).SCENARIOS.map((s) => ({ name: s.name, description: s.description, expected: s.expected })),
    'lab:run': async (req) => {
      const lab = await import('./analysis/lab.ts');
      if (!lab.SCENARIOS.some((s) => s.name === req.scenario)) throw new HttpError(404, `unknown scenario ${req.scenario}`);
      if (!wb.openclaw || wb.openclaw.problem) throw new HttpError(409, `the leak lab needs OpenClaw: ${wb.openclaw?.problem ?? 'disabled for this run'}`);
      return lab.runScenario(req.scenario, { openclaw: { bin: wb.options.openclaw?.bin } });
    },
  };
}

/** Validates a payload for a channel and runs its handler; errors name the bad field. */
export async function invokeChannel(handlers: ApiHandlers, channel: string, payload: unknown): Promise<unknown> {
  if (!Object.hasOwn(invokeRequests, channel)) throw new HttpError(404, `unknown channel ${channel}`);
  const schema = invokeRequests[channel as InvokeChannel] as z.ZodType;
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) throw new HttpError(400, `invalid payload for ${channel}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const handler = handlers[channel as InvokeChannel] as (req: unknown) => unknown;
  return handler(parsed.data);
}
