// Cross-session leaks across hosts: one host's session content in a prompt on another host. Each
// engine checks its own sessions against each other (detectors/cross-session.ts) and keeps what no
// session of its own explains (analysis/foreign.ts); the hub learns every host's finished turns as
// they are told (its own index, one realm per host, bounded like an engine's) and matches those
// leftovers against the other hosts' content. A match is raised on the engine that holds the call
// (`alerts:cross-host`), so it is stored and shown with that session's other alerts. Cost: a
// hash lookup per unexplained shingle, each host read every POLL_MS for what it kept since.
// Bounds: the hub learns each host's newest 5,000 turns when it first reads it (and again after it
// reconnects) and every turn told since, up to its index's size; an engine keeps its newest 1,000
// calls' leftovers.
import type { InvokeRequest } from '../../../shared/api.ts';
import type { Page, Turn } from '../../../shared/domain.ts';
import type { ForeignContent } from '../../../shared/hosts.ts';
import { ContentIndex } from '../analysis/content-index.ts';
import type { ApiHandlers } from '../api/types.ts';
import type { RemoteHost } from './remote.ts';

const POLL_MS = 2000;
/** A host's recent turns learnt when the hub first reads it (or again after it reconnects). */
const BACKFILL_TURNS = 5000;
/** Reads of a leftover before it is let go: what explains it may be told a little after it. */
const TRIES = 3;

export interface CrossHostSource {
  name: string;
  /** Its live sessions' recent turns, newest first (what it said before the hub heard it). */
  turns(cursor: string | undefined): Promise<Page<Turn>>;
  foreign(after: number): Promise<{ items: ForeignContent[]; last: number }>;
  raise(req: InvokeRequest<'alerts:cross-host'>): Promise<unknown>;
}

interface Pending {
  host: CrossHostSource;
  entry: ForeignContent;
  tries: number;
}

export class CrossHostCheck {
  readonly #index: ContentIndex;
  readonly #sources: () => CrossHostSource[];
  readonly #after = new Map<string, number>();
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  /** Hosts whose recent turns were read (or are being read); leftovers wait until all are. */
  readonly #filled = new Set<string>();
  #filling = 0;

  constructor(sources: () => CrossHostSource[], maxShingles = 500_000) {
    this.#sources = sources;
    this.#index = new ContentIndex(maxShingles);
  }

  start(): void {
    this.#timer = setInterval(() => void this.poll(), POLL_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** A host reconnected: what it said meanwhile is read again before its leftovers are matched. */
  refill(host: string): void {
    this.#filled.delete(host);
  }

  /** Reads a host's recent turns (up to BACKFILL_TURNS); a host that does not answer is read next time. */
  async #backfill(s: CrossHostSource): Promise<void> {
    this.#filled.add(s.name);
    this.#filling++;
    try {
      let cursor: string | undefined;
      for (let n = 0; n < BACKFILL_TURNS;) {
        const page = await s.turns(cursor);
        for (const t of page.items) this.learn(s.name, t);
        n += page.items.length;
        if (!page.next) break;
        cursor = page.next;
      }
    } catch {
      this.#filled.delete(s.name);
    } finally {
      this.#filling--;
    }
  }

  /** A host's turn that ended well: what its session said. */
  learn(host: string, t: Turn): void {
    if (t.status === 'ok') this.#index.learn(t, host);
  }

  /** Reads each host's leftovers since the last read and raises what another host's content explains. */
  async poll(): Promise<number> {
    const sources = this.#sources();
    if (this.#busy || sources.length < 2) return 0; // one engine alone: nothing across hosts
    // what each host said before the hub heard it is learnt before any leftover is matched
    for (const s of sources) if (!this.#filled.has(s.name)) void this.#backfill(s);
    if (this.#filling > 0) return 0;
    this.#busy = true;
    try {
      await Promise.all(
        sources.map(async (s) => {
          const read = await s.foreign(this.#after.get(s.name) ?? 0).catch(() => null);
          if (!read) return; // a host that does not answer is read from where it was next time
          // an engine restarted counts from 0 again
          if (read.last < (this.#after.get(s.name) ?? 0)) this.#after.set(s.name, 0);
          for (const entry of read.items) this.#pending.push({ host: s, entry, tries: 0 });
          this.#after.set(s.name, read.last);
        }),
      );
      let raised = 0;
      const left: Pending[] = [];
      for (const p of this.#pending) {
        const found = this.#match(p.host.name, p.entry, sources);
        for (const req of found)
          if (
            await p.host.raise(req).then(
              () => true,
              () => false,
            )
          )
            raised++;
        if (!found.length && ++p.tries < TRIES) left.push(p);
      }
      this.#pending = left;
      return raised;
    } finally {
      this.#busy = false;
    }
  }

  /** Per source session on another host: the parts of the entry it said. */
  #match(host: string, e: ForeignContent, sources: CrossHostSource[]): Array<InvokeRequest<'alerts:cross-host'>> {
    const bySource = new Map<string, InvokeRequest<'alerts:cross-host'>>();
    for (const part of e.parts)
      for (const other of sources) {
        if (other.name === host) continue;
        const source = part.hashes.map((h) => this.#index.sourceOf(h, other.name)).find(Boolean);
        if (!source) continue;
        const key = `${other.name}\u0000${source.sessionKey}`;
        const req = bySource.get(key) ?? {
          callId: e.callId,
          sourceHost: other.name,
          sourceSessionKey: source.sessionKey,
          sourceEpisodeId: source.episodeId,
          sourceTurnId: source.turnId,
          spans: [],
        };
        if (req.spans.length < 20) req.spans.push(part.text);
        bySource.set(key, req);
      }
    return [...bySource.values()];
  }
}

/** This engine (once its handlers exist) and every remote, as the check reads them. */
export function crossSources(
  local: ApiHandlers | null,
  hosts: RemoteHost[],
  ask: <T>(h: RemoteHost, ask: () => Promise<T>) => Promise<T>,
): CrossHostSource[] {
  const page = (cursor: string | undefined) => ({ limit: 1000, ...(cursor ? { cursor } : {}) });
  const out: CrossHostSource[] = [];
  if (local)
    out.push({
      name: 'local',
      turns: async (cursor) => local['analysis:turns'](page(cursor)),
      foreign: async (after) => local['analysis:foreign']({ after, limit: 200 }),
      raise: async (req) => local['alerts:cross-host'](req),
    });
  for (const h of hosts)
    out.push({
      name: h.name,
      turns: (cursor) => ask(h, () => h.invoke('analysis:turns', page(cursor), 30_000)),
      foreign: (after) => ask(h, () => h.invoke('analysis:foreign', { after, limit: 200 })),
      raise: (req) => h.invoke('alerts:cross-host', req),
    });
  return out;
}
