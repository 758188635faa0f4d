// One leak-lab scenario as a test: it must pass, and every alert must carry evidence and name
// its session and episode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labEngineFactory } from '../../electron/core/api/lab-engine.ts';
import { runScenario, SCENARIOS } from '../../electron/core/lab/runner.ts';
import type { GatewayMode } from '../../shared/domain.ts';

export function checkScenario(name: string, gatewayMode: GatewayMode): void {
  const sc = SCENARIOS.find((s) => s.name === name)!;
  test(
    `${sc.name} (${gatewayMode}): raises ${sc.expected.join(' + ') || 'nothing'}`,
    { timeout: 180_000 },
    async () => {
      const v = await runScenario(sc.name, labEngineFactory({ gatewayMode }));
      const kinds = new Set(v.alerts.map((a) => a.kind));
      for (const k of sc.expected) assert.ok(kinds.has(k), `${k} raised (got ${[...kinds].join(', ') || 'nothing'})`);
      assert.equal(v.pass, true, `raised ${[...kinds].join(', ') || 'nothing'}`);
      for (const a of v.alerts) {
        assert.ok(a.evidence.length > 0, `${a.kind} carries evidence`);
        assert.ok(a.sessionKey && a.episodeId, `${a.kind} names its session and episode`);
      }
    },
  );
}
