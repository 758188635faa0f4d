// Every leak-lab scenario again, with sessions hosted as agents of shared gateways: isolation in
// shared mode is proven by the same scenarios (and the cross-session ones) that prove the detectors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { SCENARIOS } from '../../electron/core/lab/runner.ts';
import { TOKEN_SCENARIOS } from '../../electron/core/lab/token-scenarios.ts';
import { checkScenario } from '../helpers/lab.ts';
import { needsOpenClaw } from '../helpers/openclaw.ts';

describe('leak lab scenarios on shared gateways', { skip: needsOpenClaw() }, () => {
  test(
    'lab run cross-session --json --gateway-mode shared: two agents of one gateway see nothing of each other',
    { timeout: 180_000 },
    () => {
      const r = spawnSync(
        process.execPath,
        ['electron/headless/cli.ts', 'lab', 'run', 'cross-session', '--json', '--gateway-mode', 'shared'],
        { encoding: 'utf8', timeout: 170_000 },
      );
      assert.equal(r.status, 0, r.stderr);
      const v = JSON.parse(r.stdout);
      assert.equal(v.sessionKeys.length, 2);
      assert.deepEqual([v.alerts, v.pass], [[], true]);
    },
  );
  // the token scenarios start no gateway (their agent calls the model itself): the mode changes nothing
  for (const sc of SCENARIOS.filter((s) => s.name !== 'cross-session' && !TOKEN_SCENARIOS.includes(s)))
    checkScenario(sc.name, 'shared');
});
