// The leak lab is the detectors' test: every leaky scenario, run against a real gateway, must
// raise its alert, and the clean ones must raise none. Here with a gateway per session;
// leak-lab-shared.test.ts runs them all with sessions as agents of shared gateways.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { SCENARIOS } from '../../electron/core/lab/runner.ts';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import { checkScenario } from '../helpers/lab.ts';
import { needsOpenClaw } from '../helpers/openclaw.ts';
import { startBench } from '../helpers/workbench.ts';

test('lab list --json prints the scenario names, the clean one named clean', () => {
  const r = spawnSync(process.execPath, ['electron/headless/cli.ts', 'lab', 'list', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const names = JSON.parse(r.stdout);
  assert.ok(Array.isArray(names) && names.includes('clean'));
  assert.deepEqual(
    names,
    SCENARIOS.map((s) => s.name),
  );
  const bad = spawnSync(process.execPath, ['electron/headless/cli.ts', 'lab', 'run', 'no-such-scenario', '--json'], {
    encoding: 'utf8',
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown scenario "no-such-scenario"/);
});

describe('leak lab scenarios against real gateways', { skip: needsOpenClaw() }, () => {
  test('lab run clean --json: one verdict object, no alert, pass', { timeout: 180_000 }, () => {
    const r = spawnSync(process.execPath, ['electron/headless/cli.ts', 'lab', 'run', 'clean', '--json'], {
      encoding: 'utf8',
      timeout: 170_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(v), ['scenario', 'expected', 'sessionKeys', 'alerts', 'pass']);
    assert.match(v.sessionKeys[0], /^lab-clean-[0-9a-f]{8}$/);
    assert.deepEqual(v, { scenario: 'clean', expected: [], sessionKeys: v.sessionKeys, alerts: [], pass: true });
  });

  test('a run from the UI keeps its verdict with its data: listed after it, gone with "Remove lab data"', async () => {
    const b = await startBench({ runtime: 'openclaw', poolSize: 0 });
    try {
      const h = createApiHandlers(b.wb);
      const last = async () => (await h['lab:list']({})).find((s) => s.name === 'tokens-clean')!.lastVerdict;
      assert.equal(await last(), null, 'never run');
      const v = await h['lab:run']({ scenario: 'tokens-clean' });
      assert.equal(v.pass, true);
      const kept = await last();
      assert.deepEqual(
        { ...kept, at: undefined },
        { ...v, alerts: v.alerts.map((a) => ({ ...a, evidence: [] })), at: undefined },
      );
      assert.ok(kept!.at > 0);
      await h['lab:clear']({});
      assert.equal(await last(), null, 'removed with the lab data');
    } finally {
      await b.stop();
    }
  });

  for (const sc of SCENARIOS.filter((s) => s.name !== 'clean')) checkScenario(sc.name, 'per-session');
});
