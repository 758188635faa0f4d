// Keeps the search index up with the recorded calls, off the turn's path: a batch a second while
// little is waiting, back to back (yielding to the event loop between batches) through a backlog
// such as a data dir opened for the first time since search existed.
import type { SearchRepo } from './search-repo.ts';

const BATCH = 200;
const IDLE_MS = 1000;

export class SearchIndexer {
  private timeout: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private stopped = false;
  private failing = false;

  private readonly search: SearchRepo;
  private readonly warn: (message: string) => void;

  constructor(search: SearchRepo, warn: (message: string) => void) {
    this.search = search;
    this.warn = warn;
  }

  start(): void {
    this.schedule(false);
  }

  /** Indexes what is waiting now, up to `max` calls (a search runs this first, to see the newest turn). */
  catchUp(max = 2000): void {
    for (let done = 0; done < max;) {
      const n = this.search.indexBatch(Math.min(BATCH * 5, max - done));
      if (n === 0) return;
      done += n;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timeout) clearTimeout(this.timeout);
    if (this.immediate) clearImmediate(this.immediate);
  }

  private schedule(backlog: boolean): void {
    if (this.stopped) return;
    if (backlog) this.immediate = setImmediate(() => this.tick());
    else this.timeout = setTimeout(() => this.tick(), IDLE_MS).unref();
  }

  private tick(): void {
    let n = 0;
    try {
      n = this.search.indexBatch(BATCH);
      this.failing = false;
    } catch (err) {
      // said once, then retried quietly at the idle pace (a locked or full disk passes)
      if (!this.failing) this.warn(`search index: ${(err as Error).message}`);
      this.failing = true;
    }
    this.schedule(n === BATCH);
  }
}
