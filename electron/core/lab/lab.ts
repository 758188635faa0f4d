// What a leak-lab scenario is (what it plants, what it must raise, how it runs) and what it runs
// with: the engine, its OpenClaw runtime, and the agents a scenario may drive.
import type { AlertKind } from '../../../shared/domain.ts';
import type { Scenario } from '../../../shared/schemas.ts';
import type { OpenClawRuntime } from '../runtime/openclaw.ts';
import type { SessionRunOptions } from '../runtime/types.ts';
import type { ClientAgent, ClientFaults } from './client-agent.ts';
import type { LabEngine } from './engine.ts';
import type { AgentFaults, ExternalAgent } from './external-agent.ts';

export interface Lab {
  engine: LabEngine;
  rt: OpenClawRuntime;
  /** The run's own session key (runs share the workbench's store, so each has its own). */
  key: string;
  /** Gives a session of the run settings of its own (kept with it, so a replay can reuse them). */
  configure(session: string, options: SessionRunOptions): void;
  /** An agent that is not ours, recorded through the recorder (stopped when the scenario ends). */
  external(faults?: AgentFaults): ExternalAgent;
  /** An agent that calls the model itself through the recorder (no gateway): the token scenarios. */
  client(faults?: ClientFaults): ClientAgent;
  start(session: string): Promise<void>;
  end(session: string): Promise<void>;
  turn(session: string, message: string): Promise<void>;
  /** What a misbehaving client or OpenClaw's own background work does: a call straight to the gateway. */
  direct(session: string, message: string): Promise<number>;
}

export interface LabScenario {
  name: string;
  description: string;
  /** Kinds of the detector registry; a test checks each is registered. */
  expected: AlertKind[];
  scenario?: Scenario;
  overlay?: Record<string, unknown>;
  run(lab: Lab): Promise<void>;
}
