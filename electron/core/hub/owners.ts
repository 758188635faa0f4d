// Where each session, episode, turn, call and group of a hub's remotes lives, learnt from what the
// remotes answer and tell: a call about one of them goes to its engine. What is not known here is
// this engine's own (or unknown anywhere: this engine answers that it has no such thing).
import type { Page } from '../../../shared/domain.ts';
import type { RemoteHost } from './remote.ts';

export class Owners {
  readonly #maps = {
    session: new Map<string, RemoteHost>(),
    episode: new Map<string, RemoteHost>(),
    turn: new Map<string, RemoteHost>(),
    call: new Map<string, RemoteHost>(),
    group: new Map<string, RemoteHost>(),
  };

  session(key: string): RemoteHost | undefined {
    return this.#maps.session.get(key);
  }

  episode(id: string): RemoteHost | undefined {
    return this.#maps.episode.get(id);
  }

  setSession(key: string, host: RemoteHost): void {
    this.#maps.session.set(key, host);
  }

  /** A remote no longer shown: nothing is sent to it any more. */
  forget(host: RemoteHost): void {
    for (const map of Object.values(this.#maps)) for (const [k, h] of map) if (h === host) map.delete(k);
  }

  /** The remote that owns what a payload names; null: this engine (or not known here). */
  of(req: Record<string, unknown>): RemoteHost | null {
    const o = this.#maps;
    const str = (k: string) => (typeof req[k] === 'string' ? (req[k] as string) : undefined);
    const key = str('sessionKey') ?? str('key');
    return (
      (key && o.session.get(key)) ||
      (str('episodeId') && o.episode.get(str('episodeId')!)) ||
      (str('turnId') && o.turn.get(str('turnId')!)) ||
      (str('callId') && o.call.get(str('callId')!)) ||
      (str('groupId') && o.group.get(str('groupId')!)) ||
      null
    );
  }

  /** What a remote answered or told names sessions, episodes, turns, calls, groups: they are its. */
  learn(result: unknown, host: RemoteHost): void {
    const o = this.#maps;
    const items: unknown[] = Array.isArray(result)
      ? result
      : result && typeof result === 'object' && Array.isArray((result as Page<unknown>).items)
        ? (result as Page<unknown>).items
        : [result];
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const x = item as Record<string, unknown>;
      const str = (k: string) => (typeof x[k] === 'string' ? (x[k] as string) : undefined);
      const session = str('sessionKey') ?? (typeof x['createdAt'] === 'number' ? str('key') : undefined);
      if (session) o.session.set(session, host);
      const episode = str('episodeId');
      if (episode) o.episode.set(episode, host);
      const turn = str('turnId');
      if (turn) o.turn.set(turn, host);
      const call = str('callId');
      if (call) o.call.set(call, host);
      const group = str('groupId');
      if (group) o.group.set(group, host);
      // the item itself: which kind it is shows in what names it
      const id = str('id');
      if (id && 'outcome' in x) o.call.set(id, host);
      else if (id && 'upstreamKey' in x) o.episode.set(id, host);
      else if (id && 'historyLength' in x) o.turn.set(id, host);
    }
  }
}
