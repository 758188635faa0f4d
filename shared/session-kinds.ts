// The closed lists a session is described by, in a file of their own so that domain.ts, gateways.ts
// and runtimes.ts can all use them without importing each other in a circle.
export const RUNTIME_KINDS = ['direct', 'openclaw', 'external'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];
export const SESSION_STATES = ['idle', 'spawning', 'ready', 'busy', 'crashed', 'closed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];
