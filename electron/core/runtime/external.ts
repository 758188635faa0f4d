// The runtime of an agent that is not ours (AReaL's own agent service, any client with a key minted
// by /rl/start_session): it runs nowhere here. Its turns are inferred from the calls it makes to
// the recorder, so no turn can be sent to it and no process is started for it.
import { HttpError } from '../http/errors.ts';
import type { AgentRuntime, TurnResult } from './types.ts';

export class ExternalRuntime implements AgentRuntime {
  readonly kind = 'external' as const;

  async run(): Promise<TurnResult> {
    throw new HttpError(
      409,
      'this session belongs to an external agent: its turns are the calls it makes itself',
      'external_session',
    );
  }

  async closeSession(): Promise<void> {}
  async closeAll(): Promise<void> {}
}
