// Where each session, episode, turn, call and group of a hub's remotes lives, learnt from what the
// remotes answer and tell: a call about one of them goes to its engine. What is not known here is
// this engine's own, else asked of every remote (hub.ts) — an id forgotten (the oldest go past
// 200,000 of a kind) or never seen since the hub started is found again, not called unknown.
import type { InvokeChannel } from '../../../shared/api.ts';
import type { Page } from '../../../shared/domain.ts';
import { HttpError } from '../http/errors.ts';
import type { RemoteHost } from './remote.ts';

/** Ids remembered per kind (the least recently learnt go first): what the hub holds stays bounded. */
const MAX_KNOWN = 200_000;

function remember(map: Map<string, RemoteHost>, id: string, host: RemoteHost): void {
  map.delete(id);
  map.set(id, host);
  if (map.size > MAX_KNOWN) map.delete(map.keys().next().value!);
}

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
    remember(this.#maps.session, key, host);
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
      if (session) remember(o.session, session, host);
      const episode = str('episodeId');
      if (episode) remember(o.episode, episode, host);
      const turn = str('turnId');
      if (turn) remember(o.turn, turn, host);
      const call = str('callId');
      if (call) remember(o.call, call, host);
      const group = str('groupId');
      if (group) remember(o.group, group, host);
      // the item itself: which kind it is shows in what names it
      const id = str('id');
      if (id && 'outcome' in x) remember(o.call, id, host);
      else if (id && 'upstreamKey' in x) remember(o.episode, id, host);
      else if (id && 'historyLength' in x) remember(o.turn, id, host);
    }
  }

  /**
   * What no remote is known to own is this engine's — unless it has no such thing: then the remotes
   * that answer are asked (an id is on one engine only), and the one that has it is remembered.
   * Not by session key: two engines may hold sessions of one name.
   */
  async hereOrAnywhere(
    hosts: RemoteHost[],
    channel: InvokeChannel,
    req: Record<string, unknown>,
    sent: unknown,
    mine: (r: unknown) => unknown,
  ): Promise<unknown> {
    try {
      return await mine(req);
    } catch (err) {
      const byId = typeof req['sessionKey'] !== 'string' && typeof req['key'] !== 'string';
      if (!(err instanceof HttpError && err.status === 404 && byId && hosts.length)) throw err;
      const up = hosts.filter((h) => h.status.reachable !== false);
      const found = await Promise.any(
        up.map((h) => h.invoke(channel, sent as never).then((result: unknown) => ({ h, result }))),
      ).catch(() => null);
      if (!found) throw err;
      this.learn(found.result, found.h);
      this.learn(req, found.h);
      return found.result;
    }
  }
}
