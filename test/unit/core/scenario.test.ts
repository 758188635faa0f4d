import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCENARIO, nextReply } from '../../../electron/core/scripted-model/scenario.ts';
import { scenarioFile } from '../../../shared/schemas.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import { sampleBody } from '../../helpers/samples.ts';

const scenario = scenarioFile.parse({
  rules: [
    {
      name: 'loop',
      match: { contains: 'loop forever' },
      steps: [{ tool: 'a', args: {} }, { tool: 'a', args: {} }, { tool: 'a', args: {} }, { text: 'never' }],
    },
    {
      name: 'many',
      match: { contains: 'many' },
      steps: Array.from({ length: 20 }, (_, i) => ({ tool: `t${i}`, args: { i } })),
    },
    { name: 'echo', steps: [{ text: 'You said {message}' }] },
  ],
});

test('the default rule echoes the current message and reports what it saw', () => {
  const r = nextReply(scenario, {
    messages: [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'hello' },
    ],
  });
  assert.equal(r.toolCall, null);
  assert.equal(r.text, 'You said hello\n\n[seen: 1 earlier user messages, 0 repeated]');
});

test('the reply reports history that arrived twice (double feed)', () => {
  const r = nextReply(scenario, sampleBody('double-feed-stable-key'));
  assert.match(r.text, /\[seen: 2 earlier user messages, 1 repeated\]/);
});

test('OpenClaw client tools are called through the tool_call wrapper, OpenClaw tools directly', () => {
  const body = sampleBody('lean-config-flattened-history');
  body.messages[1]!.content = 'What is the weather in Paris?';
  const weather = nextReply(DEFAULT_SCENARIO, body);
  assert.deepEqual(weather.toolCall, {
    name: 'tool_call',
    arguments: JSON.stringify({ id: 'get_weather', args: { city: 'Paris' } }),
  });
  body.messages[1]!.content = 'please search for otters';
  const search = nextReply(DEFAULT_SCENARIO, body);
  assert.equal(search.toolCall?.name, 'tool_search');
  assert.deepEqual(JSON.parse(search.toolCall!.arguments), { query: 'please search for otters' });
  assert.equal(search.text, 'Let me look that up.');
});

test('tool steps advance with each tool result and end with text', () => {
  const msgs: ChatMessage[] = [{ role: 'user', content: 'weather please' }];
  const first = nextReply(DEFAULT_SCENARIO, { messages: msgs });
  assert.equal(first.toolCall?.name, 'get_weather');
  msgs.push({
    role: 'assistant',
    content: null,
    tool_calls: [{ id: '1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
  });
  msgs.push({ role: 'tool', tool_call_id: '1', content: '{"temp":20}' });
  const second = nextReply(DEFAULT_SCENARIO, { messages: msgs });
  assert.equal(second.toolCall, null);
  assert.match(second.text, /^The forecast says it is sunny\./);
});

test('a repeated tool result ends the scenario with text instead of looping', () => {
  const msgs: ChatMessage[] = [{ role: 'user', content: 'loop forever' }];
  for (let i = 0; i < 2; i++) {
    msgs.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: `${i}`, type: 'function', function: { name: 'a', arguments: '{}' } }],
    });
    msgs.push({ role: 'tool', tool_call_id: `${i}`, content: 'same result' });
  }
  const r = nextReply(scenario, { messages: msgs });
  assert.equal(r.toolCall, null);
  assert.match(r.text, /same tool result came back twice/);
});

test('tool steps are bounded by maxToolSteps', () => {
  const msgs: ChatMessage[] = [{ role: 'user', content: 'many' }];
  for (let i = 0; i < scenario.maxToolSteps; i++) {
    msgs.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: `${i}`, type: 'function', function: { name: `t${i}`, arguments: '{}' } }],
    });
    msgs.push({ role: 'tool', tool_call_id: `${i}`, content: `result ${i}` });
  }
  const r = nextReply(scenario, { messages: msgs });
  assert.equal(r.toolCall, null);
  assert.match(r.text, /tool step limit/);
});

test('with the default OpenClaw config the trailing internal context does not restart the script', () => {
  const body = sampleBody('host-exec-tool-step'); // one tool result already after "run something"
  const r = nextReply(DEFAULT_SCENARIO, body);
  assert.equal(r.toolCall, null);
  assert.match(r.text, /^Done\./);
});

test('the documented example scenario loads; a broken one is refused with the file and field named', async () => {
  const { loadScenario } = await import('../../../electron/core/scripted-model/server.ts');
  const { writeFileSync } = await import('node:fs');
  const { tempDir } = await import('../../helpers/workbench.ts');
  const example = loadScenario('test/fixtures/scenarios/example.json');
  assert.equal(example.rules.length, 3);
  const r = nextReply(example, { messages: [{ role: 'user', content: 'What is the weather in Oslo?' }] });
  assert.equal(r.toolCall?.name, 'get_weather');
  const dir = tempDir();
  try {
    writeFileSync(`${dir.path}/bad.json`, JSON.stringify({ rules: [{ steps: [] }] }));
    assert.throws(() => loadScenario(`${dir.path}/bad.json`), /invalid scenario .*bad\.json: rules\.0\.steps/);
    writeFileSync(
      `${dir.path}/re.json`,
      JSON.stringify({ rules: [{ match: { regex: '(' }, steps: [{ text: 'x' }] }] }),
    );
    assert.throws(() => loadScenario(`${dir.path}/re.json`), /invalid scenario/);
  } finally {
    dir.remove();
  }
});
