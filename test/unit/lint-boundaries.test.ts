import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function ruleHits(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('the boundary lint rule fires for each forbidden import, and only then', async () => {
  assert.equal((await ruleHits("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'shared/x.ts')).length, 1);
  assert.equal((await ruleHits("import React from 'react';\nexport const x = React;\n", 'shared/x.ts')).length, 1);
  assert.equal((await ruleHits("import { app } from 'electron';\nexport const x = app;\n", 'electron/core/x.ts')).length, 1);
  assert.equal((await ruleHits("import { app } from 'electron';\nexport const x = app;\n", 'electron/headless/x.ts')).length, 1);
  assert.equal((await ruleHits("import { x } from '../../electron/core/workbench.ts';\nexport const y = x;\n", 'renderer/src/x.ts')).length, 1);
  assert.equal((await ruleHits("import { z } from 'zod';\nexport const x = z;\n", 'shared/x.ts')).length, 0);
  assert.equal((await ruleHits("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'electron/core/x.ts')).length, 0);
});
