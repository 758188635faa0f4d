// Drives one prepared session through a list of user messages, then ends its episode and closes the
// session: what a replay and each rollout of a group do once their session is set up. The session
// was made for this run; closing it releases its gateway (≈1 GB each) instead of leaving it idle.
import type { RunOverrides } from '../../../shared/rollouts.ts';
import { SCRIPTED } from '../../../shared/rollouts.ts';
import { NO_EMITTER, type SessionRunOptions } from '../runtime/types.ts';
import type { RolloutDeps } from './types.ts';

/** The session settings an override asks for, over the ones it would otherwise run with. */
export function runOptions(base: SessionRunOptions, o: RunOverrides = {}): SessionRunOptions {
  return {
    ...base,
    ...(o.isolation ? { isolation: o.isolation } : {}),
    ...(o.openclawConfig ? { overlay: o.openclawConfig } : {}),
    ...(o.sessionKeys ? { stableSessionKey: o.sessionKeys === 'stable' } : {}),
  };
}

/** A session key not yet taken, from a stem (kept short enough for the 512-character limit). */
export function freshKey(deps: RolloutDeps, stem: string): string {
  const base = stem.slice(0, 480);
  let key = base;
  for (let n = 2; deps.store.sessions.get(key); n++) key = `${base}-${n}`;
  return key;
}

/** The episode's connection: the override's, else `fallback` (the source's, or Settings'). */
export function upstreamFor(deps: RolloutDeps, o: RunOverrides, fallback: string | null | undefined) {
  if (o.upstream) return { upstreamId: deps.resolveUpstream(o.upstream) };
  return fallback === undefined ? {} : { upstreamId: fallback === SCRIPTED ? null : fallback };
}

/**
 * Sends the messages in order. A turn that fails ends the run (later messages would answer a
 * conversation that did not happen); the episode is ended and the session closed either way.
 * `onTurn` hears how many turns are done; resolves whether every turn ran.
 */
export async function drive(
  deps: RolloutDeps,
  key: string,
  messages: string[],
  onTurn: (done: number) => void = () => {},
): Promise<boolean> {
  let ok = true;
  try {
    for (const [i, message] of messages.entries()) {
      await deps.sessions.turn(key, { message }, NO_EMITTER);
      onTurn(i + 1);
    }
  } catch (err) {
    ok = false;
    deps.warn(`${key}: stopped after a failed turn: ${(err as Error).message}`);
  } finally {
    if (deps.sessions.hasOpenEpisode(key)) {
      await deps.sessions
        .endEpisode(key, undefined)
        .catch((err: Error) => deps.warn(`${key}: the episode could not be ended: ${err.message}`));
    }
    await deps.sessions
      .close(key)
      .catch((err: Error) => deps.warn(`${key}: its gateway could not be released: ${err.message}`));
  }
  return ok;
}
