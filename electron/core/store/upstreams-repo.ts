// Upstream connections: each distinct (URL, key, model) an episode was bound to, stored once. Rows
// never change, so an episode keeps the binding it started with whatever Settings say later. A
// connection's tokenizer (which the token checks decode its calls with) is kept beside it and may.
import { randomBytes } from 'node:crypto';
import type { UpstreamOrigin } from '../../../shared/rollouts.ts';
import type { Db } from './db.ts';

export interface UpstreamRow {
  id: string;
  baseUrl: string;
  apiKey: string;
  model: string | null;
  origin: UpstreamOrigin;
}

export class UpstreamsRepo {
  readonly #db: Db;
  readonly #cache = new Map<string, UpstreamRow>();

  constructor(db: Db) {
    this.#db = db;
  }

  /** The id of this connection, created on first use. `origin` says who asked for it (config, turn, …). */
  intern(c: Omit<UpstreamRow, 'id'>, now = Date.now()): string {
    const model = c.model ?? '';
    const found = this.#db.get<{ id: string }>(
      'SELECT id FROM upstreams WHERE base_url = ? AND api_key = ? AND model = ?',
      c.baseUrl,
      c.apiKey,
      model,
    );
    if (found) return found.id;
    const id = `up_${randomBytes(8).toString('hex')}`;
    this.#db.run(
      'INSERT INTO upstreams (id, base_url, api_key, model, origin, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      c.baseUrl,
      c.apiKey,
      model,
      c.origin,
      now,
    );
    return id;
  }

  get(id: string): UpstreamRow | undefined {
    const hit = this.#cache.get(id);
    if (hit) return hit;
    // origin is written only by intern(), from the closed list
    const r = this.#db.get<{ id: string; base_url: string; api_key: string; model: string; origin: UpstreamOrigin }>(
      'SELECT * FROM upstreams WHERE id = ?',
      id,
    );
    if (!r) return undefined;
    const row = { id: r.id, baseUrl: r.base_url, apiKey: r.api_key, model: r.model || null, origin: r.origin };
    this.#cache.set(id, row);
    return row;
  }

  /** The connection's own tokenizer (a path), or null: the tokenizer setting's. Not cached: it may change. */
  tokenizerOf(id: string): string | null {
    return (
      this.#db.get<{ t: string }>('SELECT tokenizer AS t FROM upstream_tokenizers WHERE upstream_id = ?', id)?.t ?? null
    );
  }

  setTokenizer(id: string, tokenizer: string | null): void {
    if (tokenizer === null) this.#db.run('DELETE FROM upstream_tokenizers WHERE upstream_id = ?', id);
    else
      this.#db.run(
        'INSERT INTO upstream_tokenizers (upstream_id, tokenizer) VALUES (?, ?) ' +
          'ON CONFLICT (upstream_id) DO UPDATE SET tokenizer = excluded.tokenizer',
        id,
        tokenizer,
      );
  }

  /** Every connection ever used, oldest first (keys included: callers must not show them). */
  list(): UpstreamRow[] {
    return this.#db.all<{ id: string }>('SELECT id FROM upstreams ORDER BY created_at, id').map((r) => this.get(r.id)!);
  }
}
