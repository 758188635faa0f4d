// What a leak-lab scenario runs on: the caller builds the engine (the lab never imports the
// composition root); catalogue.ts and runner.ts both speak of it.
import type { Scenario } from '../../../shared/schemas.ts';
import type { OpenClawRuntime } from '../runtime/openclaw.ts';
import type { SessionManager } from '../sessions/manager.ts';
import type { Store } from '../store/store.ts';
import type { ExternalAgentHost } from './external-agent.ts';

/**
 * The engine a scenario runs on; the caller builds it (the lab never imports the composition root),
 * and decides where what it records lives: in the workbench's own store (a run from the UI) or in a
 * throwaway one (the CLI). `stop` stops it and removes whatever was only the run's.
 */
export interface LabEngine extends ExternalAgentHost {
  sessions: SessionManager;
  openclaw: OpenClawRuntime;
  store: Store;
  /** Resolves once every call recorded so far has been through the leak detectors. */
  analyzed(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds an OpenClaw engine with the scenario's model script and config overlay. */
export type LabEngineFactory = (spec: { scenario?: Scenario; overlay?: Record<string, unknown> }) => Promise<LabEngine>;
