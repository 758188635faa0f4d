// An engine with `remotes` is a hub: its API answers for every engine. The session list is this
// engine's sessions and each remote's, tagged by host (a host that does not answer within its
// timeout is shown as last known, greyed, and never holds the others up); a call about a session,
// episode, turn or call of a remote goes to the engine that owns it — a label given through the hub
// is written there, attributed to the hub's labeler. Owners are learned from what the hub listed.
// Hosts are watched every 1.5 s (a dead one is named within 5 s) and their sessions re-read every
// 3 s (longer when a read is slow); changes are told as `sessions:changed` and `hosts:changed`.
import type { ExportRequest, InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/api.ts';
import { HttpError } from '../http/errors.ts';
import type { Alert, Episode, Page, SessionInfo, Turn, UpstreamCall } from '../../../shared/domain.ts';
import type { HostStatus } from '../../../shared/hosts.ts';
import type { ApiHandlers } from '../api/types.ts';
import type { EngineEvents } from '../events.ts';
import { RemoteHost } from './remote.ts';

const WATCH_MS = 1500;
const RELIST_MS = 3000;

/** Channels answered by the engine that owns what their payload names. */
const OWNED = [
  'sessions:close',
  'sessions:restart',
  'logs:recent',
  'logs:range',
  'episodes:list',
  'episodes:start',
  'episodes:end',
  'turns:send',
  'turns:list',
  'turns:get',
  'calls:list',
  'calls:get',
  'calls:tokens',
  'rewards:list',
  'rewards:set',
  'rewards:undo',
  'alerts:list',
  'alerts:turn-map',
  'stats:prompt-sizes',
  'stats:rewards',
  'stats:calls',
  'search:calls',
] as const satisfies readonly InvokeChannel[];

type Owned = (typeof OWNED)[number];

export class Hub {
  readonly hosts: RemoteHost[];
  readonly #events: EngineEvents;
  readonly #labeler: () => string | undefined;
  readonly #owner = {
    session: new Map<string, RemoteHost>(),
    episode: new Map<string, RemoteHost>(),
    turn: new Map<string, RemoteHost>(),
    call: new Map<string, RemoteHost>(),
  };
  #timers: NodeJS.Timeout[] = [];
  #running = false;
  #relist: NodeJS.Timeout | null = null;
  #shown = new Map<string, string>();

  constructor(
    remotes: Array<{ name: string; url: string; token: string }>,
    events: EngineEvents,
    labeler: () => string | undefined,
    timeoutMs = 2000,
  ) {
    this.hosts = remotes.map((r) => new RemoteHost(r, timeoutMs));
    this.#events = events;
    this.#labeler = labeler;
  }

  start(): void {
    const watch = () => {
      const before = JSON.stringify(this.statuses().map((s) => s.reachable));
      void Promise.all(this.hosts.map((h) => h.ping())).then(() => {
        const now = this.statuses();
        if (JSON.stringify(now.map((s) => s.reachable)) !== before) this.#events.emit('hosts:changed', now);
      });
    };
    watch();
    this.#timers.push(setInterval(watch, WATCH_MS));
    // re-read every RELIST_MS, or ten times as long as a read took: a hub over 30,000 sessions must
    // not spend its time re-reading them
    const relist = () => {
      const t0 = Date.now();
      void this.sessions()
        .catch(() => {})
        .finally(() => {
          if (!this.#running) return;
          this.#relist = setTimeout(relist, Math.max(RELIST_MS, 10 * (Date.now() - t0)));
          this.#relist.unref();
        });
    };
    this.#running = true;
    relist();
    for (const t of this.#timers) t.unref();
  }

  stop(): void {
    this.#running = false;
    if (this.#relist) clearTimeout(this.#relist);
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }

  statuses(): HostStatus[] {
    return this.hosts.map((h) => h.status);
  }

  /** Every remote's sessions, tagged by host: read now, or as last known where a host did not answer. */
  async sessions(): Promise<SessionInfo[]> {
    const read = await Promise.allSettled(this.hosts.map((h) => h.listSessions()));
    const out: SessionInfo[] = [];
    for (const [i, h] of this.hosts.entries()) {
      const fresh = read[i]!.status === 'fulfilled';
      for (const s of h.sessions) {
        this.#owner.session.set(s.key, h);
        const tagged = { ...s, host: { name: h.name, reachable: fresh } };
        out.push(tagged);
        const shown = JSON.stringify(tagged);
        if (this.#shown.get(`${h.name}\u0000${s.key}`) !== shown) {
          this.#shown.set(`${h.name}\u0000${s.key}`, shown);
          this.#events.emit('sessions:changed', tagged);
        }
      }
    }
    return out;
  }

  /** The handlers of a hub: this engine's, with the session list merged and owned calls forwarded. */
  wrap(local: ApiHandlers): ApiHandlers {
    const handlers = { ...local };
    handlers['sessions:list'] = async (req) => {
      const own = await local['sessions:list'](req);
      // remotes come with the first page of this engine's sessions
      return req.cursor ? own : { items: [...own.items, ...(await this.sessions())], next: own.next };
    };
    handlers['hosts:list'] = () => this.statuses();
    for (const channel of OWNED) {
      const mine = local[channel] as (req: unknown) => unknown;
      (handlers as Record<string, unknown>)[channel] = async (req: InvokeRequest<Owned>) => {
        const host = this.ownerOf(req);
        if (!host) return mine(req);
        const labeler = channel === 'rewards:set' ? this.#labeler() : undefined;
        const sent = labeler ? { ...(req as object), labeler } : req;
        const result = await host.invoke(channel, sent as never);
        this.#learn(channel, result, host);
        return result;
      };
    }
    return handlers;
  }

  /** The remote that owns what a payload names; null: this engine (or not known here). */
  ownerOf(req: Record<string, unknown>): RemoteHost | null {
    const o = this.#owner;
    const str = (k: string) => (typeof req[k] === 'string' ? (req[k] as string) : undefined);
    const key = str('sessionKey') ?? str('key');
    return (
      (key && o.session.get(key)) ||
      (str('episodeId') && o.episode.get(str('episodeId')!)) ||
      (str('turnId') && o.turn.get(str('turnId')!)) ||
      (str('callId') && o.call.get(str('callId')!)) ||
      null
    );
  }

  /** What a remote answered names episodes, turns and calls: they are its. */
  #learn(channel: Owned, result: unknown, host: RemoteHost): void {
    const o = this.#owner;
    if (channel === 'episodes:list') for (const e of (result as Page<Episode>).items) o.episode.set(e.id, host);
    if (channel === 'turns:list') for (const t of result as Turn[]) o.turn.set(t.id, host);
    if (channel === 'turns:get') o.turn.set((result as Turn).id, host);
    if (channel === 'calls:list') for (const c of result as UpstreamCall[]) o.call.set(c.id, host);
    if (channel === 'alerts:list')
      for (const a of (result as Page<Alert>).items) {
        if (a.episodeId) o.episode.set(a.episodeId, host);
        if (a.turnId) o.turn.set(a.turnId, host);
        if (a.callId) o.call.set(a.callId, host);
      }
  }

  /**
   * The lines of a merged export: this engine's (when chosen) then each chosen remote's in name
   * order, each tagged with its host — deterministic, every session once (a session lives on one
   * engine). Every chosen remote must answer first: an export that silently lacks a host is refused.
   */
  async mergedExport(req: ExportRequest, local: () => Iterable<string>): Promise<AsyncGenerator<string>> {
    const names = req.hosts === 'all' ? ['local', ...this.hosts.map((h) => h.name)] : (req.hosts ?? []);
    const unknown = names.filter((n) => n !== 'local' && !this.hosts.some((h) => h.name === n));
    if (unknown.length)
      throw new HttpError(
        400,
        `unknown host ${unknown.join(', ')} (this hub has local, ${this.hosts.map((h) => h.name).join(', ')})`,
      );
    const remotes = this.hosts.filter((h) => names.includes(h.name)).sort((a, b) => a.name.localeCompare(b.name));
    await Promise.all(remotes.map((h) => h.ping()));
    const dead = remotes.filter((h) => h.status.reachable !== true);
    if (dead.length)
      throw new HttpError(
        503,
        `host ${dead.map((h) => `${h.name} (${h.status.error ?? 'not answering'})`).join(', ')} does not answer: ` +
          'the export would lack its sessions; choose the hosts that answer',
      );
    const { hosts: _, ...each } = req;
    const tag = (host: string, line: string) => `{"host":${JSON.stringify(host)},${line.slice(1)}`;
    return (async function* () {
      if (names.includes('local')) for (const line of local()) yield tag('local', line);
      for (const h of remotes) for await (const line of h.exportLines(each)) yield tag(h.name, line);
    })();
  }

  /** Remembers where an episode lives (the label queue's merged listing). */
  own(episodeId: string, host: RemoteHost): void {
    this.#owner.episode.set(episodeId, host);
  }
}

export type { InvokeResponse };
