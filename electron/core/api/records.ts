// What was recorded: episodes, turns with their replayed history, upstream calls, rewards (hand
// labels go through the one reward book) and leak alerts. Lists are paged and filtered in SQL.
import { HttpError } from '../http/errors.ts';
import { SCRIPTED } from '../../../shared/rollouts.ts';
import { callTokens } from '../tokens/call-tokens.ts';
import { tokenizerFor } from '../tokens/tokenizer-for.ts';
import type { Workbench } from '../workbench.ts';
import { DEFAULT_SETTINGS } from './config.ts';
import type { ApiHandlers } from './types.ts';

type Channels =
  | 'episodes:list'
  | 'turns:list'
  | 'turns:get'
  | 'calls:list'
  | 'calls:get'
  | 'calls:tokens'
  | 'rewards:list'
  | 'rewards:set'
  | 'rewards:undo'
  | 'alerts:list'
  | 'alerts:map'
  | 'alerts:turn-map';

/** What these handlers may use of the engine. */
export type RecordDeps = Pick<Workbench, 'store' | 'rewards' | 'analysis' | 'config' | 'scripted'>;

export function recordHandlers(wb: RecordDeps): Pick<ApiHandlers, Channels> {
  const { store } = wb;
  const episode = (id: string) => {
    const ep = store.episodes.get(id);
    if (!ep) throw new HttpError(404, `unknown episode ${id}`);
    return ep;
  };
  const labeler = () => store.settings.get<{ labeler?: string }>('ui')?.labeler ?? DEFAULT_SETTINGS.labeler;
  return {
    'episodes:list': (req) => store.episodes.list(req),
    'turns:list': (req) => store.turns.list(episode(req.episodeId).id),
    'turns:get': (req) => {
      const turn = store.turns.get(req.turnId);
      if (!turn) throw new HttpError(404, `unknown turn ${req.turnId}`);
      return { ...turn, history: store.turns.history(turn.episodeId, turn.historyLength) };
    },
    'calls:list': (req) => store.calls.list(req),
    'calls:get': (req) => {
      const call = store.calls.detail(req.callId);
      if (!call) throw new HttpError(404, `unknown call ${req.callId}`);
      return req.withRaw ? call : { ...call, rawResponse: null };
    },
    'calls:tokens': (req) => {
      const call = store.calls.detail(req.callId);
      if (!call) throw new HttpError(404, `unknown call ${req.callId}`);
      // a fork names where it was sent; any other call goes where its episode is bound
      const upstreamId =
        call.forkUpstream !== null
          ? call.forkUpstream === SCRIPTED
            ? null
            : call.forkUpstream
          : (store.episodes.get(call.episodeId)?.upstreamId ?? null);
      const source = tokenizerFor(upstreamId, (id) => store.upstreams.tokenizerOf(id), {
        setting: wb.config.current.tokenizer ?? null,
        scripted: wb.scripted.tokenizerSource,
      });
      return callTokens(call, source);
    },
    'rewards:list': (req) => store.rewards.list(episode(req.episodeId).id),
    'rewards:set': (req) =>
      wb.rewards.give({
        episodeId: req.episodeId,
        turnId: req.turnId ?? null,
        value: req.value,
        source: 'human',
        labeler: req.labeler ?? labeler(),
        note: req.note ?? null,
        rubric: req.rubric ?? null,
      }),
    'rewards:undo': (req) => ({ removed: wb.rewards.undo(req.episodeId) }),
    // alerts come from the analysis worker: what it still holds is waited for, so the list is whole
    'alerts:list': async (req) => {
      if (req.kind !== undefined && !wb.analysis.analyzer.registry.kind(req.kind))
        throw new HttpError(400, `unknown alert kind ${req.kind}: no registered detector raises it`);
      await wb.analysis.settled();
      return store.alerts.list(req);
    },
    'alerts:map': async () => {
      await wb.analysis.settled();
      return store.alerts.map();
    },
    'alerts:turn-map': async (req) => {
      if (!store.sessions.get(req.sessionKey)) throw new HttpError(404, `unknown session ${req.sessionKey}`);
      await wb.analysis.settled();
      return store.alerts.turnMap(req.sessionKey);
    },
  };
}
