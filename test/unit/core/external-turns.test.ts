// An external agent's turn of several calls (text with a tool call, then the answer) said each of its
// answers: the history holds them one by one and the turn's reply joins them, so a later prompt that
// replays them either way (one by one, as OpenAI-client agents do, or joined, as OpenClaw may) is the
// conversation that happened — and one that replays only a cut answer is still found rewritten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import type { UpstreamCall } from '../../../shared/domain.ts';
import { historyRewritten } from '../../../electron/core/analysis/detectors/history-rewritten.ts';
import { EngineEvents } from '../../../electron/core/events.ts';
import { ExternalTurns } from '../../../electron/core/sessions/external-turns.ts';
import { Store } from '../../../electron/core/store/store.ts';
import { parsePrompt } from '../../../shared/openclaw/prompt.ts';
import { tempDir } from '../../helpers/workbench.ts';

const LOOKUP = 'Let me look that up.';
const ANSWER = 'I searched for otters: they hold hands while they sleep.';

function finished(episodeId: string, turnId: string, text: string, toolCall: boolean): UpstreamCall {
  return {
    episodeId,
    turnId,
    outcome: 'complete',
    response: {
      text,
      toolCalls: toolCall ? [{ id: 'c1', name: 'web_search', arguments: '{"q":"otters"}' }] : [],
    },
  } as unknown as UpstreamCall;
}

test('a turn of two calls: history holds each answer, the reply joins them, a replay of either form is its own', () => {
  const dir = tempDir();
  const store = new Store(dir.path);
  try {
    store.sessions.ensure('ext', 'external');
    const ep = store.episodes.insert({
      sessionKey: 'ext',
      taskId: null,
      metadata: {},
      upstreamKey: 'sk-sess-x',
      upstreamId: null,
    });
    const turns = new ExternalTurns(store, new EngineEvents());
    const first: ChatMessage[] = [{ role: 'user', content: 'Tell me about otters.' }];
    const turnId = turns.attach(ep, first);
    turns.callFinished(finished(ep.id, turnId, LOOKUP, true));
    const loop: ChatMessage[] = [
      ...first,
      {
        role: 'assistant',
        content: LOOKUP,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'web_search', arguments: '{"q":"otters"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'otters hold hands' },
    ] as ChatMessage[];
    assert.equal(turns.attach(ep, loop), turnId, 'the tool loop stays in its turn');
    turns.callFinished(finished(ep.id, turnId, ANSWER, false));
    turns.episodeEnded(ep.id);

    assert.equal(store.turns.get(turnId)!.reply, `${LOOKUP}\n\n${ANSWER}`);
    const history = store.turns.history(ep.id);
    assert.deepEqual(
      history.map((m) => `${m.role}: ${m.content}`),
      ['user: Tell me about otters.', `assistant: ${LOOKUP}`, `assistant: ${ANSWER}`],
    );
    assert.deepEqual(
      store.turns.storedHistory(ep.id).map((m) => ({ ...m })),
      history.map((m) => ({ ...m })),
      'the cache equals the rows',
    );

    const next = { id: 'next', index: 1 } as never;
    const prompt = (...assistant: string[]) =>
      parsePrompt([
        ...first,
        ...assistant.map((content) => ({ role: 'assistant', content }) as ChatMessage),
        { role: 'user', content: 'And beavers?' },
      ]).logical.slice(0, -1);
    assert.equal(historyRewritten(prompt(LOOKUP, ANSWER), history, next).finding, null, 'one by one');
    assert.equal(historyRewritten(prompt(`${LOOKUP}\n\n${ANSWER}`), history, next).finding, null, 'joined');
    assert.equal(historyRewritten(prompt(ANSWER), history, next).finding, null, 'the answer alone');
    const cut = historyRewritten(prompt(ANSWER.slice(0, 30)), history, next).finding;
    assert.equal(cut?.kind, 'history_rewritten', 'a cut answer is still found');
  } finally {
    store.close();
    dir.remove();
  }
});
