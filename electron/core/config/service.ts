// The engine's live configuration: the layered sources, and the one layer Settings may change —
// saved in <dataDir>/settings.json (mode 0600, written atomically). Secrets there go through a
// codec (Electron's safeStorage on the desktop) and are only ever shown back as hints.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { privateDir } from '../private-fs.ts';
import { join } from 'node:path';
import {
  CONFIG_KEYS,
  LIVE_KEYS,
  SECRET_KEYS,
  configPatch,
  secretHint,
  type ConfigKey,
  type ConfigLayer,
  type ConfigPatch,
  type ConfigSource,
  type ConfigView,
  type EngineConfig,
} from '../../../shared/config.ts';
import { describeZodError } from '../../../shared/schemas.ts';
import { HttpError } from '../http/errors.ts';
import { checkLayer, ConfigError, parseBoundedJson, resolveLayers, type Layers } from './load.ts';

/** Turns secrets into what is written to disk and back (identity in the headless host). */
export interface SecretCodec {
  readonly name: string;
  encode(plain: string): string;
  decode(stored: string): string;
}

const PLAIN: SecretCodec = { name: 'plain', encode: (s) => s, decode: (s) => s };

interface SavedSecret {
  $secret: string;
  data: string;
  /** The secret is a value saved as JSON text (a list of remotes), not a string. */
  json?: true;
}

export class ConfigService {
  readonly dataDir: string;
  readonly #layers: Layers;
  readonly #codec: SecretCodec;
  readonly #listeners = new Set<(config: EngineConfig) => void>();
  #config!: EngineConfig;
  #sources!: Partial<Record<ConfigKey, ConfigSource>>;

  constructor(layers: Omit<Layers, 'saved'>, dataDir: string, codec: SecretCodec = PLAIN) {
    this.dataDir = dataDir;
    this.#codec = codec;
    this.#layers = { ...layers, saved: {} };
    this.#layers.saved = this.#readSaved();
    this.#recompute();
  }

  /** A service over plain values as if given as flags (tests, the leak lab, scripts). */
  static of(values: ConfigLayer & { dataDir: string }): ConfigService {
    return new ConfigService({ flag: checkLayer(values, 'options'), env: {}, file: {} }, values.dataDir);
  }

  get current(): EngineConfig {
    return this.#config;
  }

  get settingsPath(): string {
    return join(this.dataDir, 'settings.json');
  }

  sourceOf(key: ConfigKey): ConfigSource | undefined {
    return this.#sources[key];
  }

  onChange(fn: (config: EngineConfig) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Saves Settings' changes (null clears a saved value); the effective config follows at once. */
  update(patch: ConfigPatch): EngineConfig {
    const parsed = configPatch.safeParse(patch);
    if (!parsed.success) throw new HttpError(400, describeZodError(parsed.error));
    const next: Record<string, unknown> = { ...this.#layers.saved };
    for (const [k, v] of Object.entries(parsed.data)) {
      if (v === undefined) continue;
      if (v === null) delete next[k];
      else next[k] = v;
    }
    this.#writeSaved(next);
    this.#layers.saved = next as ConfigLayer;
    this.#recompute();
    for (const fn of this.#listeners) fn(this.#config);
    return this.#config;
  }

  /** What Settings shows: values with secrets as hints, their sources, and what it may change. */
  view(): ConfigView {
    const values: Record<string, unknown> = {};
    for (const k of CONFIG_KEYS) {
      const v = this.#config[k];
      values[k] = (SECRET_KEYS as string[]).includes(k) ? secretHint(v) : v;
    }
    const higher = ['flag', 'env', 'file'] as const;
    const pinned = LIVE_KEYS.filter((k) => higher.some((h) => this.#layers[h][k] !== undefined));
    return { values, sources: { ...this.#sources }, live: [...LIVE_KEYS], secrets: [...SECRET_KEYS], pinned };
  }

  #recompute(): void {
    const { config, sources } = resolveLayers(this.#layers, this.dataDir);
    this.#config = { ...config, dataDir: this.dataDir };
    this.#sources = sources;
  }

  #readSaved(): ConfigLayer {
    const path = this.settingsPath;
    if (!existsSync(path)) return {};
    let raw: Record<string, unknown>;
    try {
      raw = parseBoundedJson(readFileSync(path)) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${path}: ${(err as Error).message} (fix or remove the file)`);
    }
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw ?? {})) {
      if (!(LIVE_KEYS as string[]).includes(k)) throw new ConfigError(`${path}: "${k}" cannot be saved from Settings`);
      plain[k] = isSavedSecret(v) ? this.#decode(v, path, k) : v;
    }
    return checkLayer(plain, path, this.dataDir);
  }

  #decode(v: SavedSecret, path: string, key: string): unknown {
    if (v.$secret !== this.#codec.name) {
      throw new ConfigError(
        `${path}: ${key} was saved with ${v.$secret} and cannot be read here; set it again in Settings`,
      );
    }
    const text = this.#codec.decode(v.data);
    if (!v.json) return text;
    try {
      return JSON.parse(text);
    } catch {
      throw new ConfigError(`${path}: ${key} cannot be read back; set it again in Settings`);
    }
  }

  #writeSaved(values: Record<string, unknown>): void {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      // a secret list (remotes and their tokens) is kept as its JSON text, encoded like any secret
      const secret = (SECRET_KEYS as string[]).includes(k) && this.#codec !== PLAIN;
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      out[k] = secret
        ? {
            $secret: this.#codec.name,
            data: this.#codec.encode(text),
            ...(typeof v === 'string' ? {} : { json: true }),
          }
        : v;
    }
    privateDir(this.dataDir);
    const tmp = `${this.settingsPath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(out, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.settingsPath);
  }
}

function isSavedSecret(v: unknown): v is SavedSecret {
  return typeof v === 'object' && v !== null && typeof (v as SavedSecret).$secret === 'string';
}
