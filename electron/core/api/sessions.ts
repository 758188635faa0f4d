// Live session actions: list, create, close and restart sessions, start and end episodes, send a
// turn, and read a session's gateway logs.
import { readChunks } from '../gateways/logs.ts';
import { HttpError } from '../http/errors.ts';
import { NO_EMITTER } from '../runtime/types.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';
import { capabilitiesOf } from '../../../shared/runtimes.ts';

type Channels =
  | 'sessions:list'
  | 'sessions:create'
  | 'sessions:close'
  | 'sessions:restart'
  | 'logs:recent'
  | 'logs:range'
  | 'episodes:start'
  | 'episodes:end'
  | 'turns:send';

/** What these handlers may use of the engine. */
export type SessionDeps = Pick<Workbench, 'store' | 'sessions' | 'openclawRuntime'>;

export function sessionHandlers(wb: SessionDeps): Pick<ApiHandlers, Channels> {
  const { sessions, store } = wb;
  const session = (key: string) => {
    const info = sessions.info(key);
    if (!info) throw new HttpError(404, `unknown session ${key}`);
    return info;
  };
  return {
    'sessions:list': (req) => sessions.list(req),
    'sessions:create': (req) => {
      const key = req.key ?? `session-${Date.now().toString(36)}`;
      sessions.ensure(key, req.runtime);
      return session(key);
    },
    'sessions:close': async (req) => {
      await sessions.close(req.key);
      return { ok: true as const };
    },
    'sessions:restart': async (req) => {
      const rt = wb.openclawRuntime();
      if (!capabilitiesOf(session(req.key).runtime).gateway || !rt) {
        throw new HttpError(409, `session ${req.key} has no gateway to restart`);
      }
      await rt.restart(req.key);
      return session(req.key);
    },
    'logs:recent': (req) => {
      session(req.sessionKey);
      const gw = wb.openclawRuntime()?.gatewayOf(req.sessionKey);
      return gw ? gw.log.recent() : readChunks(store.logs.range(req.sessionKey, 0, Date.now() + 1, 2000));
    },
    'logs:range': (req) => {
      session(req.sessionKey);
      wb.openclawRuntime()?.gatewayOf(req.sessionKey)?.log.flushIndex();
      return readChunks(store.logs.range(req.sessionKey, req.from, req.to, req.limit));
    },
    'episodes:start': (req) => sessions.startEpisode(req.sessionKey, { taskId: req.taskId }),
    'episodes:end': async (req) => (await sessions.endEpisode(req.sessionKey, req.reward)).episode,
    'turns:send': async (req) => (await sessions.turn(req.sessionKey, { message: req.message }, NO_EMITTER)).turn,
  };
}
