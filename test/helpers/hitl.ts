// A model call with the run's admin key: it lands in AReaL's human-in-the-loop session ("hitl"), an
// external agent's — one session, an episode until it is ended, turns inferred from the calls.
import assert from 'node:assert/strict';
import type { UiRun } from './ui.ts';
import { request } from './workbench.ts';

export function hitlCall(ui: UiRun): (messages: Array<{ role: string; content: string }>) => Promise<void> {
  return async (messages) => {
    const r = await request(
      `${ui.host.ready.upstream}/chat/completions`,
      'POST',
      { model: 'scripted', messages },
      { authorization: `Bearer ${ui.host.ready.adminKey}` },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
}
