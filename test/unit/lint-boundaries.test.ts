import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function ruleHits(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('the boundary lint rule fires for each forbidden import, and only then', async () => {
  assert.equal(
    (await ruleHits("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'shared/x.ts')).length,
    1,
  );
  assert.equal((await ruleHits("import React from 'react';\nexport const x = React;\n", 'shared/x.ts')).length, 1);
  assert.equal(
    (await ruleHits("import { app } from 'electron';\nexport const x = app;\n", 'electron/core/x.ts')).length,
    1,
  );
  assert.equal(
    (await ruleHits("import { app } from 'electron';\nexport const x = app;\n", 'electron/headless/x.ts')).length,
    1,
  );
  assert.equal(
    (
      await ruleHits(
        "import { x } from '../../electron/core/workbench.ts';\nexport const y = x;\n",
        'renderer/src/x.ts',
      )
    ).length,
    1,
  );
  assert.equal((await ruleHits("import { z } from 'zod';\nexport const x = z;\n", 'shared/x.ts')).length, 0);
  assert.equal(
    (await ruleHits("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'electron/core/x.ts'))
      .length,
    0,
  );
});

test("the engine's layers: a folder imports only the folders below it, and never the composition root", async () => {
  const hit = async (code: string, file: string) => (await ruleHits(code, file)).length;
  const imp = (path: string) => `import { x } from '${path}';\nexport const y = x;\n`;
  assert.equal(await hit(imp('../sessions/manager.ts'), 'electron/core/store/x.ts'), 1, 'store below sessions');
  assert.equal(
    await hit(imp('../recorder/recorder.ts'), 'electron/core/runtime/x.ts'),
    1,
    'runtime does not reach into the recorder',
  );
  assert.equal(
    await hit(imp('../runtime/sse.ts'), 'electron/core/recorder/x.ts'),
    1,
    'the recorder does not reach into runtime',
  );
  assert.equal(
    await hit(imp('../workbench.ts'), 'electron/core/lab/x.ts'),
    1,
    'the lab never imports the composition root',
  );
  assert.equal(await hit(imp('../workbench.ts'), 'electron/core/scripted-model/x.ts'), 1);
  assert.equal(
    await hit(imp('../model-client/sse.ts'), 'electron/core/recorder/x.ts'),
    0,
    'both use the neutral model client',
  );
  assert.equal(await hit(imp('../model-client/sse.ts'), 'electron/core/runtime/x.ts'), 0);
  assert.equal(await hit(imp('../workbench.ts'), 'electron/core/api/x.ts'), 0, 'the composition may');
  assert.equal(await hit(imp('../store/store.ts'), 'electron/core/export/x.ts'), 0);
});

test('no decision by a runtime’s name outside runtime/: the rule fires there, and only there', async () => {
  const hits = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').length;
  };
  const byName = "const s = { runtime: 'direct' };\nexport const y = s.runtime === 'openclaw';\n";
  assert.equal(await hits(byName, 'electron/core/sessions/x.ts'), 1);
  assert.equal(await hits(byName, 'renderer/src/features/x.tsx'), 1);
  assert.equal(
    await hits(
      "const m = { runtimeOf: (k: string) => k };\nexport const y = m.runtimeOf('a') !== 'external';\n",
      'electron/core/dataproxy/x.ts',
    ),
    1,
  );
  assert.equal(await hits(byName, 'electron/core/runtime/x.ts'), 0, 'runtime/ knows its own names');
  assert.equal(
    await hits(
      "const s = { origin: 'live' };\nexport const y = s.origin === 'external';\n",
      'electron/core/sessions/x.ts',
    ),
    0,
    'an origin named external is not a runtime',
  );
});

test('no component asks the engine itself: the rule fires in a .tsx, not in a feature data module', async () => {
  const hits = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };
  const asks = "const api = { invoke: (c: string) => c };\nexport const y = api.invoke('groups:list');\n";
  assert.deepEqual(await hits(asks, 'renderer/src/features/groups/GroupsView.tsx'), [
    "Ask the engine from the feature's actions.ts or data.ts (or the store), not from a component.",
  ]);
  assert.deepEqual(await hits(asks, 'renderer/src/features/groups/actions.ts'), []);
  // and the runtime-name rule still holds in components
  const byName = "const s = { runtime: 'direct' };\nexport const y = s.runtime === 'openclaw';\n";
  assert.equal((await hits(byName, 'renderer/src/features/x.tsx')).length, 1);
});

test('the import-cycle check finds a cycle of type-only imports, and passes the project as it is', async () => {
  const { findCycles } = await import('../../scripts/check-cycles.ts');
  const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(join(tmpdir(), 'cycles-'));
  try {
    mkdirSync(join(root, 'src/sub'), { recursive: true });
    writeFileSync(join(root, 'src/a.ts'), "import type { B } from './sub/b.ts';\nexport type A = B;\n");
    writeFileSync(join(root, 'src/sub/b.ts'), "import type {\n  A,\n} from '../a.ts';\nexport type B = { a?: A };\n");
    writeFileSync(join(root, 'src/c.ts'), "import type { A } from './a.ts';\nexport type C = A;\n");
    assert.deepEqual(findCycles(root, ['src']), [['src/a.ts', 'src/sub/b.ts']]);
    writeFileSync(join(root, 'src/sub/b.ts'), 'export type B = { a?: string };\n');
    assert.deepEqual(findCycles(root, ['src']), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.deepEqual(findCycles(process.cwd(), ['electron', 'shared', 'renderer/src', 'scripts']), []);
});
