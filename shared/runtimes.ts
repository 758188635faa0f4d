// What each runtime can do, declared once: the engine and the UI decide by these, never by a
// runtime's name (lint keeps `runtime === '…'` inside electron/core/runtime/).
import type { RuntimeKind } from './session-kinds.ts';

export interface RuntimeCapabilities {
  /** Its sessions run on an OpenClaw gateway (their own or a seat on a shared one): logs, restart, config. */
  gateway: boolean;
  /** Its turns are inferred from the calls of an agent that is not ours (no turn is driven here). */
  infersTurns: boolean;
  /** A streamed answer from its front door is the runtime's own stream, passed through byte for byte. */
  passesStream: boolean;
}

export const RUNTIME_CAPABILITIES: Record<RuntimeKind, RuntimeCapabilities> = {
  direct: { gateway: false, infersTurns: false, passesStream: false },
  openclaw: { gateway: true, infersTurns: false, passesStream: true },
  external: { gateway: false, infersTurns: true, passesStream: false },
};

export function capabilitiesOf(kind: RuntimeKind): RuntimeCapabilities {
  return RUNTIME_CAPABILITIES[kind];
}
