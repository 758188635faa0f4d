// The workbench API: one handler per invoke channel of shared/api.ts, grouped by domain. Both hosts
// (Electron IPC and the headless HTTP server) validate a payload with its channel's schema, then
// call the handler here; any error becomes the same invoke envelope on either transport.
import type { z } from 'zod';
import { invokeRequests, type InvokeChannel, type InvokeEnvelope } from '../../../shared/api.ts';
import { MAX_JSON_DEPTH, valueTooDeep } from '../../../shared/json-depth.ts';
import { describeZodError } from '../../../shared/schemas.ts';
import { HttpError } from '../http/errors.ts';
import type { Workbench } from '../workbench.ts';
import { clusterHandlers } from './cluster.ts';
import { configHandlers } from './config.ts';
import { dataHandlers } from './data.ts';
import { forkHandlers } from './forks.ts';
import { labHandlers } from './lab.ts';
import { recordHandlers } from './records.ts';
import { rolloutHandlers } from './rollouts.ts';
import { sessionHandlers } from './sessions.ts';
import { statsHandlers } from './stats.ts';

import type { ApiHandlers } from './types.ts';

export type { ApiHandlers } from './types.ts';

export function createApiHandlers(wb: Workbench): ApiHandlers {
  const own: ApiHandlers = {
    'hosts:list': () => [],
    ...configHandlers(wb),
    ...sessionHandlers(wb),
    ...recordHandlers(wb),
    ...dataHandlers(wb),
    ...forkHandlers(wb),
    ...rolloutHandlers(wb),
    ...labHandlers(wb),
    ...statsHandlers(wb),
    ...clusterHandlers(wb),
  };
  // a hub answers for its remotes too (hub/hub.ts)
  const handlers = wb.hub ? wb.hub.wrap(own) : own;
  // no view shows a configured key, even where an upstream echoed it into what was recorded
  const masked = Object.entries(handlers).map(([channel, handler]) => [
    channel,
    async (req: never) => wb.secretMask().value(await (handler as (r: never) => unknown)(req)),
  ]);
  return Object.fromEntries(masked) as ApiHandlers;
}

/** Validates a payload for a channel and runs its handler; errors name the bad field. */
export async function invokeChannel(handlers: ApiHandlers, channel: string, payload: unknown): Promise<unknown> {
  if (!Object.hasOwn(invokeRequests, channel)) throw new HttpError(404, `unknown channel ${channel}`);
  // IPC hands over objects, not text: the same bound on nesting, checked without recursion
  if (valueTooDeep(payload))
    throw new HttpError(400, `payload for ${channel} nested deeper than ${MAX_JSON_DEPTH} levels`);
  const schema = invokeRequests[channel as InvokeChannel] as z.ZodType;
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) throw new HttpError(400, `invalid payload for ${channel}: ${describeZodError(parsed.error)}`);
  const handler = handlers[channel as InvokeChannel] as (req: unknown) => unknown;
  return handler(parsed.data);
}

/**
 * Runs an invoke and wraps the outcome in the envelope both transports carry. Expected failures
 * keep their status and message; anything else is logged in full here and reaches the UI as a
 * plain 500, never as a stack trace.
 */
export async function invokeEnvelope(
  handlers: ApiHandlers,
  channel: string,
  payload: unknown,
  log: (message: string) => void,
  settled: () => Promise<void> = async () => {},
): Promise<InvokeEnvelope> {
  try {
    const result = await invokeChannel(handlers, channel, payload);
    // "saved" means committed: the answer waits for what the channel wrote (the hosts pass the store's)
    await settled().catch((err: Error) => {
      if (err instanceof HttpError) throw err; // a full disk: 507, naming the data dir
      throw new HttpError(500, `${channel} could not be saved: ${err.message}`, 'storage_error');
    });
    return { ok: true, result };
  } catch (err) {
    if (err instanceof HttpError)
      return { ok: false, error: { status: err.status, type: err.type, message: err.message } };
    log(`${channel} failed: ${(err as Error)?.stack ?? String(err)}`);
    return { ok: false, error: { status: 500, type: 'server_error', message: `internal error in ${channel}` } };
  }
}
