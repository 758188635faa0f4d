// What a hub asks of each engine for the checks across hosts (hub/cross-host.ts): the content of
// recent prompts nothing here explains, and the raising of a cross-session leak found elsewhere in
// one of this engine's calls — stored here, with the call, as every alert of its session is.
import type { AlertEvidence } from '../../../shared/domain.ts';
import { HttpError } from '../http/errors.ts';
import { RemoteHost } from '../hub/remote.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';

type Channels = 'analysis:turns' | 'analysis:foreign' | 'alerts:cross-host' | 'hosts:add' | 'hosts:remove';

export function clusterHandlers(
  wb: Pick<Workbench, 'store' | 'analysis' | 'config' | 'hub'>,
): Pick<ApiHandlers, Channels> {
  const remotes = () => wb.config.current.remotes ?? [];
  /** Settings may change the remotes only where no config file, env var or flag sets them. */
  const editable = () => {
    if (!wb.hub) throw new HttpError(409, "this engine records into another engine's store: it shows no hosts");
    const source = wb.config.view().sources.remotes;
    if (wb.config.view().pinned.includes('remotes'))
      throw new HttpError(409, `the remotes come from ${source ?? 'the config file'}: change them there`);
  };
  return {
    'hosts:add': async (req) => {
      editable();
      if (req.name === 'local') throw new HttpError(400, '"local" names this engine: pick another name');
      if (remotes().some((r) => r.name === req.name))
        throw new HttpError(409, `a host named ${req.name} is there already`);
      const url = URL.parse(req.url);
      if (!url || !/^https?:$/.test(url.protocol)) throw new HttpError(400, `url: not an http(s) address: ${req.url}`);
      // it must answer with this token before it is saved: a typo is said now, not as a grey host
      const probe = new RemoteHost(req, 3000);
      await probe.invoke('hosts:list', {}).catch((err: HttpError) => {
        throw new HttpError(400, `${err.message}; nothing saved`);
      });
      wb.config.update({
        remotes: [...remotes(), { name: req.name, url: url.href.replace(/\/+$/, ''), token: req.token }],
      });
      return wb.hub!.statuses();
    },
    'hosts:remove': (req) => {
      editable();
      if (!remotes().some((r) => r.name === req.name)) throw new HttpError(404, `no host named ${req.name}`);
      wb.config.update({ remotes: remotes().filter((r) => r.name !== req.name) });
      return wb.hub!.statuses();
    },
    'analysis:turns': (req) => wb.store.turns.recentLive(req),
    'analysis:foreign': async (req) => {
      // every call recorded before the question is in the answer
      await wb.analysis.settled();
      return wb.analysis.foreign.since(req.after ?? 0, req.limit ?? 200);
    },
    'alerts:cross-host': (req) => {
      const call = wb.store.calls.get(req.callId);
      if (!call) throw new HttpError(404, `unknown call ${req.callId}`);
      const from = `session ${req.sourceSessionKey} on host ${req.sourceHost}`;
      const evidence: AlertEvidence[] = req.spans.map((text) => ({
        text,
        sourceEpisodeId: req.sourceEpisodeId,
        sourceTurnId: req.sourceTurnId,
        detail: `said in ${from}`,
      }));
      const alert = wb.analysis.analyzer.raise(
        {
          sessionKey: call.sessionKey,
          episodeId: call.episodeId,
          turnId: call.turnId,
          callId: call.id,
          kind: 'cross_session',
          severity: 'error',
          message: `content of ${from} reached session ${call.sessionKey}'s prompt`,
          evidence,
        },
        `xhost:${call.turnId ?? call.id}:${req.sourceHost}:${req.sourceSessionKey}`,
      );
      return { alert };
    },
  };
}
