// The leak lab from the UI: list the scenarios and run one on its own engine (real gateways).
import { HttpError } from '../http/errors.ts';
import { runScenario, SCENARIOS } from '../lab/scenarios.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './handlers.ts';
import { labEngineFactory } from './lab-engine.ts';

export function labHandlers(wb: Workbench): Pick<ApiHandlers, 'lab:list' | 'lab:run'> {
  return {
    'lab:list': () => SCENARIOS.map((s) => ({ name: s.name, description: s.description, expected: s.expected })),
    'lab:run': (req) => {
      if (!SCENARIOS.some((s) => s.name === req.scenario)) throw new HttpError(404, `unknown scenario ${req.scenario}`);
      if (!wb.openclaw || wb.openclaw.problem) {
        throw new HttpError(409, `the leak lab needs OpenClaw: ${wb.openclaw?.problem ?? 'disabled for this run'}`);
      }
      return runScenario(req.scenario, labEngineFactory({ openclawBin: wb.openclaw.path }));
    },
  };
}
