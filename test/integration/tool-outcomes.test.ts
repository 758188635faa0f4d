// A failed tool call is shown and exported as failed: the direct runtime's "not run" results and an
// external agent's error result mark the call and the turn, the session counts the turn, and the
// export's tool_calls say `outcome: "error"` with the tool's words. A tool that worked stays ok.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { exportLines } from '../../electron/core/export/jsonl.ts';
import { request, startBench, type TestBench } from '../helpers/workbench.ts';

describe('tool outcomes', () => {
  let b: TestBench;
  before(async () => (b = await startBench()));
  after(() => b.stop());

  const exported = (episodeId: string) =>
    [...exportLines(b.wb.store, { episodes: [episodeId], unlabeled: 'null' })].map((l) => JSON.parse(l));

  test('the direct runtime runs no tool: its tool call is a tool error, counted and exported', async () => {
    const r = await b.proxy('POST', '/session/weather/turn', { message: 'What is the weather in Paris?' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const turn = b.wb.store.turns.get(r.body.metadata.turn_id)!;
    assert.equal(turn.status, 'ok');
    assert.equal(turn.toolCalls.length, 1);
    assert.equal(turn.toolCalls[0]!.name, 'get_weather');
    assert.match(turn.toolCalls[0]!.error ?? '', /^not run: the direct runtime executes no tools$/);
    assert.equal(turn.toolErrors, 1);
    assert.equal(b.wb.store.sessions.stats('weather').toolErrorTurns, 1);
    // AReaL's tool_result event (the DataProxy's answer) carries the error too
    const event = (r.body.events as Array<Record<string, unknown>>).find((e) => e.type === 'tool_result');
    assert.match(String(event?.error), /^not run/);

    const rows = exported(r.body.metadata.episode_id);
    assert.equal(rows.length, 2, 'the tool step and the answer after it');
    assert.deepEqual(rows[0].tool_calls[0], {
      id: turn.toolCalls[0]!.id,
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      outcome: 'error',
      error: 'not run: the direct runtime executes no tools',
    });
    assert.deepEqual(rows[1].tool_calls, []);

    // a turn without tools is no tool error, and the session's count stays
    const plain = await b.proxy('POST', '/session/weather/turn', { message: 'hello' });
    assert.equal(b.wb.store.turns.get(plain.body.metadata.turn_id)!.toolErrors, 0);
    assert.equal(b.wb.store.sessions.stats('weather').toolErrorTurns, 1);
  });

  test("an external agent's tool results: an error result fails its call, a good one stays ok", async () => {
    const started = await request(
      `${b.wb.recorder.origin}/rl/start_session`,
      'POST',
      { task_id: 'weather' },
      { authorization: `Bearer ${b.wb.adminKey}` },
    );
    assert.equal(started.status, 201);
    const { session_id: episodeId, session_api_key: key } = (
      started.body as { sessions: Array<{ session_id: string; session_api_key: string }> }
    ).sessions[0]!;
    const client = new OpenAI({ apiKey: key, baseURL: b.wb.recorder.url });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const ask = async (city: string, result: string) => {
      const user = { role: 'user' as const, content: `What is the weather in ${city}?` };
      const first = await client.chat.completions.create({ model: 'm', tools, messages: [user] });
      const call = first.choices[0]!.message.tool_calls![0]!;
      await client.chat.completions.create({
        model: 'm',
        tools,
        messages: [user, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: result }],
      });
    };
    await ask('Atlantis', JSON.stringify({ status: 'error', error: 'no such city: Atlantis' }));
    await ask('Oslo', JSON.stringify({ temp_c: 4, sky: 'rain' }));
    await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', { reward: 1 }, { authorization: `Bearer ${key}` });

    const [failed, fine] = b.wb.store.turns.list(episodeId);
    assert.equal(failed!.toolCalls[0]!.error, 'no such city: Atlantis');
    assert.equal(failed!.toolErrors, 1);
    assert.equal(fine!.toolCalls[0]!.error, null);
    assert.equal(fine!.toolCalls[0]!.result, '{"temp_c":4,"sky":"rain"}');
    assert.equal(fine!.toolErrors, 0);
    const outcomes = exported(episodeId).flatMap((row) =>
      row.tool_calls.map((t: Record<string, unknown>) => [t.outcome, t.error]),
    );
    assert.deepEqual(outcomes, [
      ['error', 'no such city: Atlantis'],
      ['ok', undefined],
    ]);
  });
});
