// Forking a recorded call: re-send it as recorded or edited, to its episode's upstream or another
// connection; the fork is recorded beside the original, which is never changed. And the connections
// themselves: listed, each with the tokenizer its calls are checked with.
import { SCRIPTED } from '../../../shared/rollouts.ts';
import { parseJson } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { checkTokenizerPath } from '../tokens/chat-tokenizer.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';

type Channels = 'upstreams:list' | 'upstreams:set-tokenizer' | 'calls:fork' | 'calls:forks';

/** What these handlers may use of the engine. */
export type ForkDeps = Pick<Workbench, 'store' | 'upstreams' | 'recorder'>;

export function forkHandlers(wb: ForkDeps): Pick<ApiHandlers, Channels> {
  const { store } = wb;
  return {
    'upstreams:list': () => wb.upstreams.list(),
    // a connection's own tokenizer: checked (absolute, it loads) before anything is saved
    'upstreams:set-tokenizer': (req) => {
      if (req.upstream === SCRIPTED)
        throw new HttpError(400, 'the embedded scripted model answers with the tokenizer setting it started with');
      const id = wb.upstreams.resolve(req.upstream)!;
      if (req.tokenizer !== null) {
        try {
          checkTokenizerPath(req.tokenizer);
        } catch (err) {
          throw new HttpError(400, (err as Error).message);
        }
      }
      store.upstreams.setTokenizer(id, req.tokenizer);
      return wb.upstreams.list();
    },
    'calls:forks': (req) => {
      if (!store.calls.get(req.callId)) throw new HttpError(404, `unknown call ${req.callId}`);
      return store.calls.forks(req.callId);
    },
    'calls:fork': async (req) => {
      const original = store.calls.detail(req.callId);
      if (!original) throw new HttpError(404, `unknown call ${req.callId}`);
      const episode = store.episodes.get(original.episodeId)!;
      const sameUpstream = episode.upstreamId ?? SCRIPTED;
      const upstreamId = wb.upstreams.resolve(req.upstream ?? sameUpstream);
      const label = upstreamId ?? SCRIPTED;

      // the request as recorded (byte for byte), as typed (raw JSON text), or as edited (an object)
      let text =
        req.request === undefined
          ? original.requestBody
          : typeof req.request === 'string'
            ? req.request
            : JSON.stringify(req.request);
      const body = parseJson(Buffer.from(text)) as { messages?: unknown; model?: unknown } | null;
      if (!body || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body.messages)) {
        throw new HttpError(400, 'the request must be a JSON object with a messages array');
      }
      // another connection is asked for its own model, unless the model was edited by hand
      const recordedModel = (parseJson(Buffer.from(original.requestBody)) as { model?: unknown }).model;
      if (label !== sameUpstream && body.model === recordedModel) {
        text = JSON.stringify({ ...body, model: wb.upstreams.modelOf(upstreamId) });
      }
      return wb.recorder.fork(original, Buffer.from(text), { id: upstreamId, label });
    },
  };
}
