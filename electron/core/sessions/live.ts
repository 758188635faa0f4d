// What the engine holds in memory for each open session: a lock that serializes its operations,
// and the turn in flight. Closing a session marks it so that queued requests fail instead of
// running against a session that is gone.
import { HttpError } from '../http/errors.ts';

export interface LiveSession {
  tail: Promise<void>;
  currentTurn: string | null;
  /** Cancels the turn in flight (closing the session does). */
  abort: AbortController | null;
  closed: boolean;
}

export class LiveSessions {
  readonly #live = new Map<string, LiveSession>();

  get size(): number {
    return this.#live.size;
  }

  get(key: string): LiveSession | undefined {
    return this.#live.get(key);
  }

  ensure(key: string): LiveSession {
    let s = this.#live.get(key);
    if (!s) {
      s = { tail: Promise.resolve(), currentTurn: null, abort: null, closed: false };
      this.#live.set(key, s);
    }
    return s;
  }

  /** Runs `fn` with the session's lock held: operations on one session never interleave. */
  async withLock<T>(key: string, fn: (s: LiveSession) => Promise<T>): Promise<T> {
    const s = this.ensure(key);
    const prev = s.tail;
    let release!: () => void;
    s.tail = new Promise<void>((r) => (release = r));
    try {
      await prev;
      if (s.closed) throw new HttpError(409, `session ${key} was closed while this request waited`, 'session_closed');
      return await fn(s);
    } finally {
      release();
    }
  }

  /** Forgets a session: its turn in flight is cancelled, requests still queued on its lock fail with 409. */
  drop(key: string): LiveSession | undefined {
    const s = this.#live.get(key);
    if (s) {
      s.closed = true;
      s.abort?.abort(new Error(`session ${key} was closed`));
    }
    this.#live.delete(key);
    return s;
  }

  keys(): string[] {
    return [...this.#live.keys()];
  }

  dropAll(): void {
    for (const key of [...this.#live.keys()]) this.drop(key);
  }
}
