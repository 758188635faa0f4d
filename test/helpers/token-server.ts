// A model server that answers token ids as vLLM does — the scripted model on its own HTTP port,
// with Qwen3's real tokenizer and template — as the remote upstream of a test engine, started before
// a describe block's tests and stopped after them; and an agent's openai client on one episode.
import { after, before } from 'node:test';
import OpenAI from 'openai';
import { ScriptedModel } from '../../electron/core/scripted-model/server.ts';
import type { Scenario } from '../../shared/schemas.ts';
import { startBench, type TestBench } from './workbench.ts';

export function tokenServerRun(scenario?: Scenario): { bench(): TestBench } {
  const server = new ScriptedModel(scenario, 'server-key');
  let b: TestBench | undefined;
  before(async () => {
    await server.start();
    b = await startBench({ upstreamUrl: server.baseUrl, upstreamKey: 'server-key', upstreamModel: 'qwen3' });
  });
  after(async () => {
    await b?.stop();
    await server.stop();
  });
  return { bench: () => b! };
}

/** An agent's client on a new episode of `session`, and the calls recorded for that episode. */
export async function episodeClient(b: TestBench, session: string) {
  const ep = await b.proxy('POST', `/session/${session}/episode/start`, {});
  return {
    openai: new OpenAI({ baseURL: b.wb.recorder.url, apiKey: ep.body.session_api_key, maxRetries: 0 }),
    calls: () => b.wb.store.calls.details(ep.body.episode_id),
  };
}
