// Which upstream an episode talks to. A new episode binds to the configured upstream as it is at
// that moment (stored once as a connection row), so changing Settings affects new episodes only;
// no connection (null) is the embedded scripted model.
import type { UpstreamTarget } from '../openai/forward.ts';
import type { Store } from '../store/store.ts';

export interface ConfiguredUpstream {
  url?: string;
  key?: string;
  model?: string;
}

export class UpstreamDirectory {
  readonly #store: Store;
  readonly #scripted: () => UpstreamTarget;
  readonly #configured: () => ConfiguredUpstream;

  constructor(store: Store, scripted: () => UpstreamTarget, configured: () => ConfiguredUpstream) {
    this.#store = store;
    this.#scripted = scripted;
    this.#configured = configured;
  }

  /** The connection a new episode binds to now (null: the embedded scripted model). */
  current(): string | null {
    const c = this.#configured();
    if (!c.url) return null;
    return this.intern({ baseUrl: c.url, apiKey: c.key ?? '', model: c.model ?? null, origin: 'config' });
  }

  intern(c: { baseUrl: string; apiKey: string; model: string | null; origin: string }): string {
    return this.#store.upstreams.intern(c);
  }

  /** Where calls of an episode bound to `id` go. */
  target(id: string | null): UpstreamTarget {
    if (id === null) return this.#scripted();
    const row = this.#store.upstreams.get(id);
    if (!row) throw new Error(`unknown upstream connection ${id}`);
    return { baseUrl: row.baseUrl, apiKey: row.apiKey, model: this.modelOf(id) };
  }

  /** The model runtimes ask for: the connection's own, else the configured one, else "default". */
  modelOf(id: string | null): string {
    if (id === null) return this.#scripted().model;
    return this.#store.upstreams.get(id)?.model ?? this.#configured().model ?? 'default';
  }
}
