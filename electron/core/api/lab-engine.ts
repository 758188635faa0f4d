// The engine a leak-lab scenario runs on: a Workbench of its own, OpenClaw only, no warm pool,
// rebind isolation, the scenario's model script and overlay. Built here, in the composition layer,
// so the lab itself never imports the composition root.
import { ConfigService } from '../config/service.ts';
import type { LabEngineFactory } from '../lab/scenarios.ts';
import { Workbench } from '../workbench.ts';

export function labEngineFactory(opts: { openclawBin?: string | undefined } = {}): LabEngineFactory {
  return async ({ dataDir, scenario, overlay }) => {
    const config = ConfigService.of({
      dataDir,
      runtime: 'openclaw',
      poolSize: 0,
      isolation: 'rebind',
      ...(opts.openclawBin ? { openclawBin: opts.openclawBin } : {}),
      ...(overlay ? { openclawConfig: overlay } : {}),
    });
    const wb = await new Workbench(config, { scenario }).start();
    const supervisor = wb.supervisor!;
    return {
      sessions: wb.sessions,
      openclaw: wb.openclawRuntime()!,
      store: wb.store,
      recorderOrigin: wb.recorder.origin,
      adminKey: wb.adminKey,
      model: wb.upstreams.modelOf(null),
      spawnGateway: (binding) => supervisor.spawn(binding, null),
      stopGateway: (gw) => supervisor.stop(gw),
      stop: () => wb.stop(),
    };
  };
}
