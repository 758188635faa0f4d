// Sessions AReaL's own routes open on the recorder: a group of external-agent sessions for
// /rl/start_session (nothing is started for them: their turns are inferred from their calls), and
// the human-in-the-loop session whose calls come with the admin key.
import { randomUUID } from 'node:crypto';
import type { Episode } from '../../../shared/domain.ts';
import { mintToken } from '../tokens.ts';
import type { SessionManager } from './manager.ts';

export const HITL_SESSION = 'hitl';

export class ArealSessions {
  readonly #sessions: SessionManager;
  readonly #openEpisode: (sessionKey: string) => Episode | undefined;
  #hitlStarting: Promise<Episode> | null = null;

  constructor(sessions: SessionManager, openEpisode: (sessionKey: string) => Episode | undefined) {
    this.#sessions = sessions;
    this.#openEpisode = openEpisode;
  }

  /** `size` sessions, one open episode each, under one group id; the first takes `apiKey` when given. */
  async startGroup(taskId: string, apiKey: string | undefined, size: number) {
    const groupId = `grp-${randomUUID()}`;
    const episodes: Episode[] = [];
    for (let i = 0; i < size; i++) {
      const key = `rl-${mintToken(6)}`;
      this.#sessions.ensure(key, 'external', 'external');
      episodes.push(
        await this.#sessions.startEpisode(key, { taskId, upstreamKey: i === 0 ? apiKey : undefined, groupId }),
      );
    }
    return { groupId, episodes };
  }

  /** The open episode of the human-in-the-loop session (started once, however many ask at once). */
  async hitlEpisode(): Promise<Episode> {
    const open = this.#openEpisode(HITL_SESSION);
    if (open) return open;
    this.#hitlStarting ??= (async () => {
      this.#sessions.ensure(HITL_SESSION, 'external', 'external');
      return this.#sessions.startEpisode(HITL_SESSION, { taskId: HITL_SESSION });
    })().finally(() => (this.#hitlStarting = null));
    return this.#hitlStarting;
  }
}
