// An engine with `remotes` is a hub: its API answers for every engine. Lists (sessions, alerts,
// episodes, groups, search hits) are merged page by page from this engine and every remote, in one
// order (hub/merge.ts); a call about a session, episode, turn, call or group of a remote goes to the
// engine that owns it — a label given through the hub is written there, attributed to the hub's
// labeler. Owners are learned from what remotes answer and tell. Each remote's live events stream
// into the hub (hub/remote-events.ts) and are told on as the hub's own. Hosts are watched every
// 1.5 s (a dead one is named within 5 s); a host known dead is not asked — its sessions are listed
// as last known, greyed, and the other lists name it as not answering.
import type { ExportRequest, ExportTally, InvokeRequest, InvokeResponse } from '../../../shared/api.ts';
import type { EventBatch, EventPayloads } from '../../../shared/api.ts';
import { HttpError } from '../http/errors.ts';
import type { Page, SessionInfo, SessionOrigin, Turn } from '../../../shared/domain.ts';
import { CrossHostCheck, crossSources } from './cross-host.ts';
import type { HostStatus } from '../../../shared/hosts.ts';
import type { ApiHandlers } from '../api/types.ts';
import type { EngineEvents } from '../events.ts';
import { pageLimit } from '../store/page.ts';
import { mergedExport, mergedPreview } from './merged-export.ts';
import { Owners } from './owners.ts';
import { ALERTS, episodes, GROUPS, HITS, OWNED, RELAYED, SESSIONS, type Owned } from './channels.ts';
import { isHubCursor, mergedPage, type MergeOrder, type MergeSource } from './merge.ts';
import { chartHandlers } from './charts.ts';
import { compareAcross } from './compare-across.ts';
import type { RemoteEvents } from './remote-events.ts';
import { RemoteHost } from './remote.ts';

const WATCH_MS = 1500;

export class Hub {
  /** The remotes now (Settings → Hosts changes them while the engine runs). */
  hosts: RemoteHost[];
  readonly #timeoutMs: number;
  #running = false;
  readonly #events: EngineEvents;
  readonly #labeler: () => string | undefined;
  readonly #owner = new Owners();

  #timer: NodeJS.Timeout | null = null;
  readonly #streams = new Map<RemoteHost, RemoteEvents>();
  readonly #originOf: (sessionKey: string) => SessionOrigin | undefined;
  /** This engine's handlers (known once wrapped): the cross-host check reads and raises through them. */
  #local: ApiHandlers | null = null;
  readonly #cross = new CrossHostCheck(() => crossSources(this.#local, this.hosts, (h, ask) => this.#ask(h, ask)));
  #offTurns: (() => void) | null = null;

  constructor(
    remotes: Array<{ name: string; url: string; token: string }>,
    events: EngineEvents,
    local: { labeler: () => string | undefined; originOf: (sessionKey: string) => SessionOrigin | undefined },
    timeoutMs = 2000,
  ) {
    this.hosts = remotes.map((r) => this.#host(r, timeoutMs));
    this.#timeoutMs = timeoutMs;
    this.#events = events;
    this.#labeler = local.labeler;
    this.#originOf = local.originOf;
  }

  /** A remote whose every change of answering is told as `hosts:changed`, whichever request saw it. */
  #host(r: { name: string; url: string; token: string }, timeoutMs: number): RemoteHost {
    const h = new RemoteHost(r, timeoutMs);
    h.onFlip = () => this.hosts.includes(h) && this.#events.emit('hosts:changed', this.statuses());
    return h;
  }

  start(): void {
    const watch = () => void Promise.all(this.hosts.map((h) => h.ping()));
    watch();
    this.#timer = setInterval(watch, WATCH_MS);
    this.#timer.unref();
    this.#running = true;
    for (const h of this.hosts) this.#listen(h);
    // this engine's own live turns (a remote's are told on through the same events: owned elsewhere)
    this.#offTurns = this.#events.on('turns:changed', (t) => {
      if (!this.#owner.session(t.sessionKey) && this.#originOf(t.sessionKey) === 'live') this.#cross.learn('local', t);
    });
    this.#cross.start();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const s of this.#streams.values()) s.stop();
    this.#streams.clear();
    this.#offTurns?.();
    this.#cross.stop();
    this.#running = false;
  }

  /** Hears a remote's live events; each time its stream opens, its sessions are read again. */
  #listen(h: RemoteHost): void {
    const stream = h.eventStream({
      onBatch: (batches) => this.#relay(h, batches),
      opened: () => {
        this.#cross.refill(h.name);
        void h.listSessions().then(
          (all) => all.forEach((s) => this.#owner.setSession(s.key, h)),
          () => {},
        );
      },
    });
    stream.start();
    this.#streams.set(h, stream);
  }

  /**
   * The remotes as configured now: a remote gone (or changed) is dropped with what the hub knew of
   * it (its sessions leave the list), a new one is listened to at once.
   */
  setRemotes(remotes: Array<{ name: string; url: string; token: string }>): void {
    const kept = this.hosts.filter((h) => remotes.some((r) => h.sameAs(r)));
    const gone = this.hosts.filter((h) => !kept.includes(h));
    const added = remotes.filter((r) => !kept.some((h) => h.sameAs(r))).map((r) => this.#host(r, this.#timeoutMs));
    if (!gone.length && !added.length) return;
    for (const h of gone) {
      this.#streams.get(h)?.stop();
      this.#streams.delete(h);
      this.#owner.forget(h);
      if (h.sessions.size) this.#events.emit('sessions:removed', { keys: [...h.sessions.keys()] });
    }
    this.hosts = [...kept, ...added];
    if (this.#running) for (const h of added) this.#listen(h);
    this.#events.emit('hosts:changed', this.statuses());
  }

  /** Reads the hosts' unexplained content now and raises what another host explains (tests). */
  checkAcrossHosts(): Promise<number> {
    return this.#cross.poll();
  }

  statuses(): HostStatus[] {
    return this.hosts.map((h) => h.status);
  }

  /** The handlers of a hub: this engine's, lists merged across hosts and owned calls forwarded. */
  wrap(local: ApiHandlers): ApiHandlers {
    this.#local = local;
    const handlers = { ...local };
    for (const channel of OWNED) {
      const mine = local[channel] as (req: unknown) => unknown;
      (handlers as Record<string, unknown>)[channel] = async (req: InvokeRequest<Owned>) => {
        const host = this.#owner.of(req);
        if (channel === 'episodes:compare') {
          const across = await compareAcross(this.#owner, req as InvokeRequest<'episodes:compare'>, local);
          if (across) return across;
        }
        const labeler = channel === 'rewards:set' ? this.#labeler() : undefined;
        const sent = labeler ? { ...(req as object), labeler } : req;
        if (!host) return this.#owner.hereOrAnywhere(this.hosts, channel, req, sent, mine);
        const result = await host.invoke(channel, sent as never);
        this.#owner.learn(result, host);
        return result;
      };
    }
    const owned = { ...handlers };
    handlers['sessions:list'] = (req) =>
      this.#merged(
        req,
        SESSIONS,
        (r) => local['sessions:list'](r),
        'sessions:list',
        (h, r) => h.sessionsPage(r),
      );
    handlers['alerts:list'] = (req) =>
      req.sessionKey || req.episodeId || req.turnId
        ? owned['alerts:list'](req)
        : this.#merged(req, ALERTS, (r) => local['alerts:list'](r), 'alerts:list');
    handlers['episodes:list'] = (req) =>
      req.sessionKey
        ? owned['episodes:list'](req)
        : this.#merged(req, episodes(req.order), (r) => local['episodes:list'](r), 'episodes:list');
    handlers['groups:list'] = (req) => this.#merged(req, GROUPS, (r) => local['groups:list'](r), 'groups:list');
    handlers['search:calls'] = async (req) => {
      if (req.sessionKey) return owned['search:calls'](req);
      let pending = 0;
      const page = await this.#merged(
        req,
        HITS,
        (r) => tally(local['search:calls'](r)),
        'search:calls',
        (h, r) => tally(h.invoke('search:calls', r)),
      );
      return { ...page, pending };
      async function tally(p: Promise<InvokeResponse<'search:calls'>> | InvokeResponse<'search:calls'>) {
        const r = await p;
        pending += r.pending;
        return r;
      }
    };
    Object.assign(
      handlers,
      chartHandlers(
        local,
        owned,
        () => this.hosts,
        (h, ask) => this.#ask(h, ask),
      ),
    );
    handlers['data:export-preview'] = async (req) => {
      if (!req.hosts) return local['data:export-preview'](req);
      if (!this.hosts.length) throw new HttpError(400, 'hosts: this engine has no remotes (it is no hub)');
      return this.mergedPreview(req, (r) => local['data:export-preview'](r));
    };
    handlers['hosts:list'] = () => this.statuses();
    return handlers;
  }

  /** A page merged over this engine and every remote (a host known dead is not asked). */
  async #merged<R extends { limit?: number; cursor?: string }, T>(
    req: R,
    order: MergeOrder<T>,
    local: (req: R) => Promise<Page<T>> | Page<T>,
    channel: 'sessions:list' | 'alerts:list' | 'episodes:list' | 'groups:list' | 'search:calls',
    remote?: (h: RemoteHost, req: R) => Promise<Page<T>>,
  ): Promise<Page<T>> {
    // a hub of no remotes is this engine alone: its own pages, its own cursors
    if (!this.hosts.length && !isHubCursor(req.cursor)) return local(req);
    if (req.cursor && !isHubCursor(req.cursor))
      throw new HttpError(400, 'invalid cursor: pass the "next" value of the previous page unchanged');
    const limit = pageLimit(req.limit);
    const { cursor: _, ...rest } = req;
    const at = (cursor: string | undefined, n: number) => ({ ...rest, limit: n, ...(cursor ? { cursor } : {}) }) as R;
    const sources: Array<MergeSource<T>> = [
      { name: 'local', read: async (c, n) => local(at(c, n)) },
      ...this.hosts.map((h) => ({
        name: h.name,
        read: async (c: string | undefined, n: number) => {
          const page = remote
            ? await remote(h, at(c, n))
            : ((await this.#ask(h, () => h.invoke(channel, at(c, n) as never))) as Page<T>);
          this.#owner.learn(page, h);
          return page;
        },
      })),
    ];
    return mergedPage(sources, order, req.cursor, limit);
  }

  /** Asks a host, unless it is known not to answer (then at once: it would only cost its timeout). */
  async #ask<T>(h: RemoteHost, ask: () => Promise<T>): Promise<T> {
    if (h.status.reachable === false)
      throw new HttpError(502, `host ${h.name} does not answer (${h.status.error ?? 'since ' + h.status.since})`);
    return ask();
  }

  /** A remote's events, told on as the hub's: its sessions tagged with the host, owners learned. */
  #relay(h: RemoteHost, batches: EventBatch[]): void {
    for (const { channel, payloads } of batches) {
      if (!RELAYED.has(channel)) continue;
      for (const p of payloads) {
        if (channel === 'sessions:changed') {
          const s = p as SessionInfo;
          h.keep(s);
          this.#owner.setSession(s.key, h);
          this.#events.emit(channel, { ...s, host: { name: h.name, reachable: true } });
          continue;
        }
        if (channel === 'sessions:removed') for (const k of (p as { keys: string[] }).keys) h.sessions.delete(k);
        // a live session's turn: what it said is compared with the other hosts' prompts
        if (channel === 'turns:changed') {
          const t = p as Turn;
          if ((h.sessions.get(t.sessionKey)?.origin ?? 'live') === 'live') this.#cross.learn(h.name, t);
        }
        this.#owner.learn(p, h);
        this.#events.emit(channel, p as EventPayloads[typeof channel]);
      }
    }
  }

  /** The lines of a merged export over the hosts `req` names (hub/merged-export.ts). */
  mergedExport(req: ExportRequest, local: () => Iterable<string>): Promise<AsyncGenerator<string>> {
    return mergedExport(this.hosts, req, local);
  }

  /** What that export would write and leave out, summed over its hosts. */
  mergedPreview(req: ExportRequest, local: (req: ExportRequest) => ExportTally | Promise<ExportTally>) {
    return mergedPreview(this.hosts, req, local);
  }
}

export type { InvokeResponse };
