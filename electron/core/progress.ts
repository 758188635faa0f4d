// The engine's long-running work as the UI shows it (shared/progress.ts): started, stepped and
// finished here, announced as `progress:changed`. Finished items are kept a minute, so a page that
// reconnects still sees how the work ended; at most MAX_KEPT are held whatever runs.
import type { Progress, ProgressKind } from '../../shared/progress.ts';
import type { EngineEvents } from './events.ts';
import { newId } from './store/ids.ts';

const KEEP_FINISHED_MS = 60_000;
const MAX_KEPT = 200;

export interface ProgressHandle {
  step(step: string, done?: number | null): void;
  /** Done (or failed with `error`); `step` says how it ended, if more than "done". */
  finish(error?: string | null, step?: string): void;
}

export class ProgressBoard {
  readonly #events: EngineEvents;
  readonly #items = new Map<string, Progress>();

  constructor(events: EngineEvents) {
    this.#events = events;
  }

  start(kind: ProgressKind, title: string, step: string, total: number | null = null): ProgressHandle {
    this.#prune();
    const item: Progress = {
      id: newId('run'),
      kind,
      title,
      step,
      done: total === null ? null : 0,
      total,
      startedAt: Date.now(),
      endedAt: null,
      error: null,
    };
    this.#items.set(item.id, item);
    this.#events.emit('progress:changed', { ...item });
    const update = (change: Partial<Progress>) => {
      if (item.endedAt !== null) return; // a late step of finished work changes nothing
      Object.assign(item, change);
      this.#events.emit('progress:changed', { ...item });
    };
    return {
      step: (s, done) => update({ step: s, ...(done !== undefined ? { done } : {}) }),
      finish: (error = null, step) => update({ endedAt: Date.now(), error, step: step ?? (error ? 'failed' : 'done') }),
    };
  }

  /** What runs now, and what finished in the last minute. */
  list(): Progress[] {
    this.#prune();
    return [...this.#items.values()].map((p) => ({ ...p }));
  }

  #prune(): void {
    const before = Date.now() - KEEP_FINISHED_MS;
    for (const [id, p] of this.#items) if (p.endedAt !== null && p.endedAt < before) this.#items.delete(id);
    for (const id of this.#items.keys()) {
      if (this.#items.size <= MAX_KEPT) break;
      this.#items.delete(id);
    }
  }
}
