// `trajscope lab list|run <scenario>`: the leak lab from the command line (real gateways).
import { labEngineFactory } from '../../core/api/lab-engine.ts';
import { runScenario, scenarioNames, SCENARIOS } from '../../core/lab/runner.ts';
import type { GatewayMode } from '../../../shared/domain.ts';
import { UsageError } from './usage.ts';

export function labList(json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(SCENARIOS.map((s) => s.name)) + '\n');
    return;
  }
  for (const s of SCENARIOS) {
    const expects = s.expected.length ? s.expected.join(', ') : 'no alert';
    process.stdout.write(`${s.name.padEnd(22)} expects ${expects} — ${s.description}\n`);
  }
}

export async function labRun(
  scenario: string,
  opts: { json: boolean; openclawBin?: string; gatewayMode?: GatewayMode },
): Promise<number> {
  if (!scenarioNames().includes(scenario)) {
    throw new UsageError(`unknown scenario "${scenario}"; choose from ${scenarioNames().join(', ')}`);
  }
  const verdict = await runScenario(
    scenario,
    labEngineFactory({ openclawBin: opts.openclawBin, gatewayMode: opts.gatewayMode }),
  );
  if (opts.json) {
    process.stdout.write(JSON.stringify(verdict) + '\n');
  } else {
    const raised = verdict.alerts.map((a) => a.kind).join(', ') || 'nothing';
    const expected = verdict.expected.join(', ') || 'no alert';
    process.stdout.write(
      `${verdict.pass ? 'PASS' : 'FAIL'} ${verdict.scenario}: expected ${expected}; raised ${raised}\n`,
    );
    for (const a of verdict.alerts) {
      process.stdout.write(
        `  ${a.kind} (${a.severity}) turn ${a.turnId ?? '–'}: ${JSON.stringify(a.evidence).slice(0, 300)}\n`,
      );
    }
  }
  return verdict.pass ? 0 : 1;
}
