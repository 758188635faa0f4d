// Which upstream an episode talks to. A new episode binds to the configured upstream as it is at
// that moment (stored once as a connection row), so changing Settings affects new episodes only;
// no connection (null) is the embedded scripted model.
import { SCRIPTED, type UpstreamConnection } from '../../../shared/rollouts.ts';
import { HttpError } from '../http/errors.ts';
import type { UpstreamTarget } from '../model-client/forward.ts';
import type { Store } from '../store/store.ts';
import type { UpstreamRow } from '../store/upstreams-repo.ts';

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

  intern(c: Omit<UpstreamRow, 'id'>): string {
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

  /** The connections a fork or a replay may use: the scripted model and every one used so far. */
  list(): UpstreamConnection[] {
    const current = this.current() ?? SCRIPTED;
    const scripted = this.#scripted();
    return [
      {
        id: SCRIPTED,
        label: `embedded scripted model (${scripted.model})`,
        baseUrl: null,
        model: scripted.model,
        origin: 'embedded',
        current: current === SCRIPTED,
        tokenizer: null,
      },
      ...this.#store.upstreams.list().map((u) => ({
        id: u.id,
        label: `${u.baseUrl} · ${this.modelOf(u.id)}`,
        baseUrl: u.baseUrl,
        model: this.modelOf(u.id),
        origin: u.origin,
        current: current === u.id,
        tokenizer: this.#store.upstreams.tokenizerOf(u.id),
      })),
    ];
  }

  /** A connection id from the API ("scripted" or a stored id) as the id episodes hold (null: scripted). */
  resolve(id: string): string | null {
    if (id === SCRIPTED) return null;
    if (!this.#store.upstreams.get(id)) throw new HttpError(404, `unknown upstream connection ${id}`);
    return id;
  }
}
