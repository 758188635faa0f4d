// Cross-session leaks across hosts: one host's session content in a prompt on another host. Each
// engine checks its own sessions against each other (detectors/cross-session.ts) and keeps what no
// session of its own explains (analysis/foreign.ts); the hub learns every host's finished turns as
// they are told (its own index, one realm per host, bounded like an engine's) and matches those
// leftovers against the other hosts' content. A match is raised on the engine that holds the call
// (`alerts:cross-host`), so it is stored and shown with that session's other alerts. Cost: a
// hash lookup per unexplained shingle, each host read every POLL_MS for what it kept since.
// Bounds: the hub knows what was said since it started (up to the index's size), and an engine
// keeps its newest 1,000 calls' leftovers — content said before the hub started is not compared.
import type { InvokeRequest } from '../../../shared/api.ts';
import type { Turn } from '../../../shared/domain.ts';
import type { ForeignContent } from '../../../shared/hosts.ts';
import { ContentIndex } from '../analysis/content-index.ts';

const POLL_MS = 2000;
/** Reads of a leftover before it is let go: what explains it may be told a little after it. */
const TRIES = 3;

export interface CrossHostSource {
  name: string;
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

  /** A host's turn that ended well: what its session said. */
  learn(host: string, t: Turn): void {
    if (t.status === 'ok') this.#index.learn(t, host);
  }

  /** Reads each host's leftovers since the last read and raises what another host's content explains. */
  async poll(): Promise<number> {
    const sources = this.#sources();
    if (this.#busy || sources.length < 2) return 0; // one engine alone: nothing across hosts
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
