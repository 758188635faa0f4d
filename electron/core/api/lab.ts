// The leak lab from the UI: list the scenarios, run one inside the workbench (real gateways; its
// sessions, calls and alerts stay viewable, replayable and forkable, marked as lab data), and
// remove every lab run's data in one action.
import { rmSync } from 'node:fs';
import { HttpError } from '../http/errors.ts';
import { runScenario, SCENARIOS } from '../lab/runner.ts';
import type { LabVerdict } from '../../../shared/api.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './types.ts';
import { labRunsDir, workbenchLabFactory } from './lab-engine.ts';

/** The last verdict of each scenario, kept with the run's data (cleared with it): name → verdict. */
const VERDICTS = 'lab-verdicts';
type Kept = Record<string, LabVerdict & { at: number }>;

export function labHandlers(wb: Workbench): Pick<ApiHandlers, 'lab:list' | 'lab:run' | 'lab:clear'> {
  const kept = (): Kept => wb.store.settings.get<Kept>(VERDICTS) ?? {};
  const keep = (v: LabVerdict) =>
    // the alerts' evidence stays on the alerts themselves: the verdict keeps what links to them
    wb.store.settings.set(VERDICTS, {
      ...kept(),
      [v.scenario]: { ...v, alerts: v.alerts.map((a) => ({ ...a, evidence: [] })), at: Date.now() },
    });
  return {
    'lab:list': () => {
      const last = kept();
      return SCENARIOS.map((s) => ({
        name: s.name,
        description: s.description,
        expected: s.expected,
        lastVerdict: last[s.name] ?? null,
      }));
    },
    'lab:run': (req) => {
      if (!SCENARIOS.some((s) => s.name === req.scenario)) throw new HttpError(404, `unknown scenario ${req.scenario}`);
      if (!wb.openclaw || wb.openclaw.problem) {
        throw new HttpError(409, `the leak lab needs OpenClaw: ${wb.openclaw?.problem ?? 'disabled for this run'}`);
      }
      const p = wb.progress.start('lab', `Lab: ${req.scenario}`, 'starting');
      return runScenario(req.scenario, workbenchLabFactory(wb), (step) => p.step(step)).then(
        (v) => {
          p.finish(null, v.pass ? 'pass' : 'fail: it did not raise what it plants');
          keep(v);
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
      wb.store.settings.set(VERDICTS, {});
      if (keys.length) wb.events.emit('sessions:removed', { keys });
      return { removed };
    },
  };
}
