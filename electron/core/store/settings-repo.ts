// Preferences the UI saves (labeling scale, theme, labeler): small JSON values by name.
import type { Db } from './db.ts';

export class SettingsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  get<T>(key: string): T | undefined {
    const r = this.#db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key);
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.#db.run(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      key,
      JSON.stringify(value),
    );
  }
}
