// Everything an owner started, to be stopped: each part registers its stop as it starts, and
// dispose runs them newest first, each on its own (one that throws is reported and the others still
// run). A part registered after dispose began is stopped at once, so a start racing a stop leaks
// nothing. After VS Code's DisposableStore.
export type Stop = () => unknown;

export class Disposables {
  readonly #stops: Stop[] = [];
  #disposing: Promise<void> | null = null;
  readonly #onError: (err: Error) => void;

  constructor(onError: (err: Error) => void) {
    this.#onError = onError;
  }

  /** Registers stops, to run newest first (or now, when disposing has begun). */
  add(...stops: Stop[]): void {
    if (this.#disposing) {
      for (const stop of stops.reverse()) void this.#run(stop);
      return;
    }
    this.#stops.push(...stops);
  }

  get disposed(): boolean {
    return this.#disposing !== null;
  }

  /** Runs every stop, newest first, one after another. Idempotent: a second call waits for the first. */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      while (this.#stops.length > 0) await this.#run(this.#stops.pop()!);
    })();
    return this.#disposing;
  }

  async #run(stop: Stop): Promise<void> {
    try {
      await stop();
    } catch (err) {
      this.#onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
