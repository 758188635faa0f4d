// The leak lab from the UI: list the scenarios, run one inside the workbench (real gateways; its
// sessions, calls and alerts stay viewable, replayable and forkable, marked as lab data), and
// remove every lab run's data in one action.
import { rmSync } from 'node:fs';
import { HttpError } from '../http/errors.ts';
import { runScenario, SCENARIOS } from '../lab/runner.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';
import { labRunsDir, workbenchLabFactory } from './lab-engine.ts';

export function labHandlers(wb: Workbench): Pick<ApiHandlers, 'lab:list' | 'lab:run' | 'lab:clear'> {
  return {
    'lab:list': () => SCENARIOS.map((s) => ({ name: s.name, description: s.description, expected: s.expected })),
    'lab:run': (req) => {
      if (!SCENARIOS.some((s) => s.name === req.scenario)) throw new HttpError(404, `unknown scenario ${req.scenario}`);
      if (!wb.openclaw || wb.openclaw.problem) {
        throw new HttpError(409, `the leak lab needs OpenClaw: ${wb.openclaw?.problem ?? 'disabled for this run'}`);
      }
      const p = wb.progress.start('lab', `Lab: ${req.scenario}`, 'starting');
      return runScenario(req.scenario, workbenchLabFactory(wb), (step) => p.step(step)).then(
        (v) => {
          p.finish(null, v.pass ? 'pass' : 'fail: it did not raise what it plants');
          return v;
        },
        (err: Error) => {
          p.finish(err.message);
          throw err;
        },
      );
    },
    'lab:clear': async () => {
      const keys = wb.store.sessions.keysWithOrigin('lab');
      for (const key of keys) await wb.sessions.close(key);
      const removed = wb.store.deleteSessions(keys);
      rmSync(labRunsDir(wb.config.current.dataDir), { recursive: true, force: true });
      if (keys.length) wb.events.emit('sessions:removed', { keys });
      return { removed };
    },
  };
}
