// App facts, UI preferences and the engine configuration (Settings → Connections).
import type { Settings } from '../../../shared/api.ts';
import { detectOpenClaw } from '../gateways/binary.ts';
import { HttpError } from '../http/errors.ts';
import { checkTokenizerPath } from '../tokens/chat-tokenizer.ts';
import { probeModels } from '../model-client/probe.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';

export const DEFAULT_SETTINGS: Settings = {
  rewardScale: [0, 0.25, 0.5, 0.75, 1],
  theme: 'system',
  labeler: 'me',
  logPane: { height: 200, collapsed: false },
};

type Channels =
  | 'app:info'
  | 'settings:get'
  | 'settings:set'
  | 'config:get'
  | 'config:set'
  | 'config:test-upstream'
  | 'gateways:config';

/** What these handlers may use of the engine. */
export type ConfigDeps = Pick<Workbench, 'store' | 'config' | 'info' | 'sessions' | 'openclawRuntime' | 'events'>;

export function configHandlers(wb: ConfigDeps): Pick<ApiHandlers, Channels> {
  const settings = (): Settings => ({ ...DEFAULT_SETTINGS, ...wb.store.settings.get<Partial<Settings>>('ui') });
  return {
    'app:info': () => wb.info(),
    'settings:get': () => settings(),
    'settings:set': (req) => {
      wb.store.settings.set('ui', { ...settings(), ...req });
      return settings();
    },
    'config:get': () => wb.config.view(),
    'config:set': async (req) => {
      // a binary that does not run is refused with the reason, and nothing is saved
      if (req.openclawBin) {
        const found = await detectOpenClaw(req.openclawBin, wb.config.current.openclawNode);
        if (found.problem) throw new HttpError(400, found.problem);
      }
      // a tokenizer that does not load is refused with the reason, and nothing is saved
      if (req.tokenizer) {
        try {
          checkTokenizerPath(req.tokenizer);
        } catch (err) {
          throw new HttpError(400, (err as Error).message);
        }
      }
      wb.config.update(req);
      const view = wb.config.view();
      wb.events.emit('config:changed', view);
      return view;
    },
    'config:test-upstream': (req) => {
      const c = wb.config.current;
      const url = req.upstreamUrl ?? c.upstreamUrl;
      if (!url)
        throw new HttpError(400, 'no upstream URL to test: enter one (the embedded scripted model needs no test)');
      // an empty key field means "the saved key", so a user need not type it again to test
      const key = req.upstreamKey || (url === c.upstreamUrl ? c.upstreamKey : undefined);
      return probeModels(url, key, req.upstreamModel ?? c.upstreamModel);
    },
    'gateways:config': (req) => {
      if (!wb.sessions.info(req.sessionKey)) throw new HttpError(404, `unknown session ${req.sessionKey}`);
      return {
        config: wb.openclawRuntime()?.gatewayOf(req.sessionKey)?.effectiveConfig() ?? null,
        binary: wb.info().openclaw,
      };
    },
  };
}
