// Imports are all or nothing: every record of a file is checked (types, nesting, sizes) before
// anything is stored, and a bad one is refused with its record and field named — exit 2 from the
// CLI, 400 from the UI — leaving the data dir as it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApiHandlers, invokeEnvelope } from '../../electron/core/api/handlers.ts';
import { Store } from '../../electron/core/store/store.ts';
import { startBench, tempDir } from '../helpers/workbench.ts';

test('an import is all or nothing: a bad record anywhere stores nothing and is named with its field', async () => {
  const dir = tempDir();
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['electron/headless/cli.ts', 'import', ...args], { encoding: 'utf8' });
  const good = (i: number) => ({
    request: [{ role: 'user', content: `question ${i}` }],
    response: { role: 'assistant', content: `answer ${i}` },
    reward: 1,
  });
  let deep: unknown = 'bottom';
  for (let i = 0; i < 600; i++) deep = [deep];
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'too-deep',
      { request: [{ role: 'user', content: [{ type: 'text', nest: deep }] }] },
      /interaction 2: the messages are nested deeper than 512/,
    ],
    [
      'wrong-types',
      { request: [{ role: 'user', content: 42 }] },
      /interaction 2: messages\[0\]\.content must be a string or a list of parts \(got number\)/,
    ],
    ['no-role', { request: [{ content: 'x' }] }, /interaction 2: messages\[0\]\.role must be a string/],
    ['bad-reward', { ...good(2), reward: '1' }, /interaction 2: reward must be a finite number or null \(got string\)/],
    [
      'bad-tool-call',
      { ...good(2), response: { content: '', tool_calls: [{ function: { name: 7 } }] } },
      /interaction 2: tool_calls\[0\]\.name must be a string/,
    ],
  ];
  try {
    const data = join(dir.path, 'data');
    const b = await startBench({ dataDir: data });
    const handlers = createApiHandlers(b.wb);
    try {
      for (const [name, third, pattern] of cases) {
        const content = JSON.stringify({ interactions: [good(0), good(1), third] });
        const drop = await invokeEnvelope(handlers, 'data:import', { name: `${name}.json`, content }, () => {});
        assert.equal(drop.ok, false, name);
        if (!drop.ok) {
          assert.equal(drop.error.status, 400, `${name}: ${drop.error.message}`);
          assert.match(drop.error.message, pattern);
        }
      }
      assert.equal(b.wb.store.sessions.list({ limit: 100 }).items.length, 0, 'nothing stored by the UI');
      assert.equal(b.wb.store.calls.count(), 0);
    } finally {
      await b.wb.stop();
    }
    for (const [name, third, pattern] of cases) {
      const file = join(dir.path, `${name}.json`);
      writeFileSync(file, JSON.stringify({ interactions: [good(0), good(1), third] }));
      const out = cli(file, '--data-dir', data);
      assert.equal(out.status, 2, out.stderr);
      assert.match(out.stderr, pattern);
      assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
    }
    const store = new Store(data, { readOnly: true });
    try {
      assert.equal(store.sessions.list({ limit: 100 }).items.length, 0, 'nothing stored by the CLI');
      assert.equal(store.calls.count(), 0);
    } finally {
      store.close();
    }
    // arguments as an object (AReaL #1463) are kept as their JSON text, not "[object Object]"
    const file = join(dir.path, 'object-args.json');
    const reply = { content: '', tool_calls: [{ id: 'c1', function: { name: 'f', arguments: { city: 'Oslo' } } }] };
    writeFileSync(file, JSON.stringify({ interactions: [{ ...good(0), response: reply }] }));
    const ok = cli(file, '--data-dir', data, '--json');
    assert.equal(ok.status, 0, ok.stderr);
    const exported = spawnSync(process.execPath, ['electron/headless/cli.ts', 'export', '--data-dir', data], {
      encoding: 'utf8',
    });
    assert.equal(JSON.parse(exported.stdout.trim()).tool_calls[0].arguments, '{"city":"Oslo"}');
  } finally {
    dir.remove();
  }
});

test('JSON Lines come back in their order, sessions apart, refusing lines of one episode that disagree', async () => {
  const line = (episode: string, session: string, at: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      episode_id: episode,
      session_key: session,
      task_id: `task-${episode}`,
      group_id: 'grp-1',
      turn_index: 0,
      request: { model: 'm', messages: [{ role: 'user', content: `hello from ${episode}` }] },
      response: { role: 'assistant', content: 'hi', model: 'm', finish_reason: 'stop', usage: null },
      tool_calls: [],
      reward: 1,
      own_reward: 1,
      reward_scope: 'episode',
      reward_source: 'human',
      labeler: 'ann',
      rubric: null,
      note: 'fine',
      created_at: at,
      session_origin: 'live',
      outcome: 'complete',
      ...extra,
    });
  const b = await startBench();
  const handlers = createApiHandlers(b.wb);
  try {
    // a group's second rollout called first: the file's order is still the order listed and exported
    const rows = [line('a', 's1', '2026-01-01T00:00:02.000Z'), line('b', 's2', '2026-01-01T00:00:01.000Z')];
    const r = await handlers['data:import']({ name: 'two.jsonl', content: rows.join('\n') });
    assert.deepEqual(r.sessionKeys, ['import-two-s1', 'import-two-s2']);
    const { exportLines } = await import('../../electron/core/export/jsonl.ts');
    const again = [...exportLines(b.wb.store)].map((l) => JSON.parse(l));
    assert.deepEqual(
      again.map((l) => [l.task_id, l.group_id, l.created_at, l.note, l.reward_scope]),
      [
        ['task-a', 'grp-1', '2026-01-01T00:00:02.000Z', 'fine', 'episode'],
        ['task-b', 'grp-1', '2026-01-01T00:00:01.000Z', 'fine', 'episode'],
      ],
    );
    const split = [
      line('c', 's1', '2026-01-01T00:00:03.000Z'),
      line('c', 's1', '2026-01-01T00:00:04.000Z', { task_id: 'x' }),
    ];
    const bad = await invokeEnvelope(
      handlers,
      'data:import',
      { name: 'bad.jsonl', content: split.join('\n') },
      () => {},
    );
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.error.message, /line 2: its task_id differs from the earlier lines of episode c/);
    const scope = line('d', 's1', '2026-01-01T00:00:05.000Z', { reward_scope: 'session' });
    const badScope = await invokeEnvelope(handlers, 'data:import', { name: 'bad.jsonl', content: scope }, () => {});
    assert.equal(badScope.ok, false);
    if (!badScope.ok)
      assert.match(badScope.error.message, /line 1: reward_scope must be one of episode, turn, interaction/);
    assert.equal(b.wb.store.sessions.list({ limit: 100 }).items.length, 2, 'the refused files stored nothing');
  } finally {
    await b.stop();
  }
});
