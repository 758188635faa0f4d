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
