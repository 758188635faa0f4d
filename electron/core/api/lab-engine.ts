// The engine a leak-lab scenario runs on: a Workbench of its own, OpenClaw only, no warm pool,
// rebind isolation, the scenario's model script and overlay. Built here, in the composition layer,
// so the lab itself never imports the composition root. From the UI a run records into the
// workbench's own store (its sessions marked "lab", kept until removed); from the CLI into a
// throwaway data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { GatewayMode } from '../../../shared/domain.ts';
import type { Scenario } from '../../../shared/schemas.ts';
import { ConfigService } from '../config/service.ts';
import type { LabEngine, LabEngineFactory } from '../lab/engine.ts';
import { Workbench, type EngineExtras } from '../workbench.ts';

/** Where a workbench keeps what its lab runs leave on disk (their gateways' logs). */
export function labRunsDir(dataDir: string): string {
  return join(dataDir, 'lab');
}

interface LabOptions {
  openclawBin?: string | undefined;
  /** per-session or shared gateways (the lab runs every scenario in both). */
  gatewayMode?: GatewayMode;
}

async function labEngine(
  dataDir: string,
  spec: { scenario?: Scenario; overlay?: Record<string, unknown> },
  opts: LabOptions,
  extras: EngineExtras,
  after: (wb: Workbench, keys: string[]) => void,
): Promise<LabEngine> {
  const config = ConfigService.of({
    dataDir,
    runtime: 'openclaw',
    poolSize: 0,
    isolation: 'rebind',
    gatewayMode: opts.gatewayMode ?? 'per-session',
    ...(opts.openclawBin ? { openclawBin: opts.openclawBin } : {}),
    ...(spec.overlay ? { openclawConfig: spec.overlay } : {}),
  });
  const wb = new Workbench(config, { scenario: spec.scenario, ...extras });
  try {
    await wb.start();
  } catch (err) {
    after(wb, []);
    throw err;
  }
  const supervisor = wb.supervisor!;
  return {
    sessions: wb.sessions,
    openclaw: wb.openclawRuntime()!,
    store: wb.store,
    analyzed: () => wb.analysis.settled(),
    recorderOrigin: wb.recorder.origin,
    adminKey: wb.adminKey,
    model: wb.upstreams.modelOf(null),
    spawnGateway: (binding) => supervisor.spawn(binding, null),
    stopGateway: (gw) => supervisor.stop(gw),
    stop: async () => {
      const keys = wb.sessions.liveKeys();
      await wb.stop();
      after(wb, keys);
    },
  };
}

/** A run on a throwaway data dir, removed when the run stops (the CLI's `lab run`, the tests). */
export function labEngineFactory(opts: LabOptions = {}): LabEngineFactory {
  return (spec) => {
    const dir = mkdtempSync(join(tmpdir(), 'trajscope-lab-'));
    return labEngine(dir, spec, opts, {}, () => rmSync(dir, { recursive: true, force: true }));
  };
}

/** A run inside the workbench: its sessions, calls and alerts land in `main`'s store, marked "lab". */
export function workbenchLabFactory(main: Workbench): LabEngineFactory {
  return (spec) => {
    const dir = join(labRunsDir(main.config.current.dataDir), randomUUID().slice(0, 8));
    return labEngine(
      dir,
      spec,
      { openclawBin: main.openclaw?.path, gatewayMode: main.config.current.gatewayMode },
      { shared: { store: main.store, events: main.events, origin: 'lab', accounting: main.gatewayAccounting } },
      // the run closed its sessions; the workbench's rail shows them so
      (_wb, keys) => keys.forEach((key) => main.sessions.notify(key)),
    );
  };
}
