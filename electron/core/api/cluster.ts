// What a hub asks of each engine for the checks across hosts (hub/cross-host.ts): the content of
// recent prompts nothing here explains, and the raising of a cross-session leak found elsewhere in
// one of this engine's calls — stored here, with the call, as every alert of its session is.
import type { AlertEvidence } from '../../../shared/domain.ts';
import { HttpError } from '../http/errors.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';

type Channels = 'analysis:foreign' | 'alerts:cross-host';

export function clusterHandlers(wb: Pick<Workbench, 'store' | 'analysis'>): Pick<ApiHandlers, Channels> {
  return {
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
