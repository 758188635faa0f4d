// Reads the configuration sources — CLI flags, TRAJSCOPE_* env vars, a --config JSON file, the
// settings saved from the UI — each checked on its own (so an error names its source), then layered
// with the highest source winning. Paths in a layer are resolved where that layer was written.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  CONFIG_FIELDS,
  CONFIG_KEYS,
  URL_CREDENTIALS,
  configDefaults,
  configLayer,
  envName,
  flagName,
  fromText,
  type ConfigKey,
  type ConfigLayer,
  type ConfigSource,
  type EngineConfig,
} from '../../../shared/config.ts';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../../shared/json-depth.ts';

/** A configuration problem a user can fix; hosts print it as one line. */
export class ConfigError extends Error {}

export interface Layers {
  flag: ConfigLayer;
  env: ConfigLayer;
  file: ConfigLayer;
  saved: ConfigLayer;
}

/**
 * Checks one source's values against the schema. The message names the setting the way that
 * source spells it (--port, TRAJSCOPE_PORT, "port" in a file) and the value that was refused.
 */
export function checkLayer(
  raw: unknown,
  source: string,
  baseDir = process.cwd(),
  spell = (k: string) => `"${k}"`,
): ConfigLayer {
  const parsed = configLayer.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      if (i.code === 'unrecognized_keys') return `unknown setting(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      const given = key && raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
      const shown = showable(key, given) ? ` (got ${JSON.stringify(given)})` : '';
      return `${key ? spell(key) : source}: ${i.message}${shown}`;
    });
    throw new ConfigError(`${source}: ${problems.join('; ')}`);
  }
  return resolvePaths(parsed.data, source, baseDir);
}

/** A refused value is shown back only where it cannot be a secret: never a secret setting's, never credentials. */
function showable(key: string, given: unknown): boolean {
  if ((CONFIG_FIELDS as Record<string, { secret?: true }>)[key]?.secret) return false;
  if (typeof given === 'number') return true;
  return typeof given === 'string' && given.length <= 200 && !URL_CREDENTIALS.test(given);
}

/** Paths are relative to where they were written; an overlay file is read into its object. */
function resolvePaths(layer: ConfigLayer, source: string, baseDir: string): ConfigLayer {
  const out: ConfigLayer = { ...layer };
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (out.dataDir) out.dataDir = abs(out.dataDir);
  if (out.scenario) out.scenario = abs(out.scenario);
  if (out.detectors) out.detectors = out.detectors.map(abs);
  if (out.tokenizer) out.tokenizer = abs(out.tokenizer);
  if (out.openclawBin) out.openclawBin = abs(out.openclawBin);
  if (out.openclawNode?.includes('/')) out.openclawNode = abs(out.openclawNode);
  if (typeof out.openclawConfig === 'string') out.openclawConfig = readOverlay(abs(out.openclawConfig), source);
  return out;
}

function readOverlay(path: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseBoundedJson(readFileSync(path));
  } catch (err) {
    throw new ConfigError(`${source}: openclawConfig ${path}: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${source}: openclawConfig ${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** JSON from a file, refused when nested deeper than the limit every JSON input has. */
export function parseBoundedJson(bytes: Buffer): unknown {
  if (jsonTooDeep(bytes)) throw new Error(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  return JSON.parse(bytes.toString('utf8'));
}

/** The TRAJSCOPE_* variables that name a setting (empty ones count as unset). */
export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const v = env[envName(key)];
    if (v !== undefined && v !== '') raw[key] = fromText(key, v);
  }
  return checkLayer(raw, 'environment', process.cwd(), (k) => envName(k));
}

/** A --config file: a JSON object whose keys are the flags' names in camelCase. */
export function fileLayer(path: string): ConfigLayer {
  const file = resolve(path);
  let raw: unknown;
  try {
    raw = parseBoundedJson(readFileSync(file));
  } catch (err) {
    throw new ConfigError(`--config ${path}: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`--config ${path}: must hold a JSON object`);
  return checkLayer(raw, `--config ${path}`, dirname(file));
}

/** Values given as text (command-line flags), converted and checked. */
export function flagLayer(raw: Partial<Record<ConfigKey, string | boolean>>): ConfigLayer {
  const typed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    typed[k] = typeof v === 'string' ? fromText(k as ConfigKey, v) : v;
  }
  return checkLayer(typed, 'command line', process.cwd(), (k) => flagName(k));
}

/** The effective configuration and where each value came from. */
export function resolveLayers(
  layers: Layers,
  fallbackDataDir: string,
): {
  config: EngineConfig;
  sources: Partial<Record<ConfigKey, ConfigSource>>;
} {
  const ordered: Array<[ConfigSource, ConfigLayer]> = [
    ['default', { ...configDefaults(), dataDir: fallbackDataDir }],
    ['saved', layers.saved],
    ['file', layers.file],
    ['env', layers.env],
    ['flag', layers.flag],
  ];
  const merged: Record<string, unknown> = {};
  const sources: Partial<Record<ConfigKey, ConfigSource>> = {};
  for (const [source, layer] of ordered) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      merged[k] = v;
      sources[k as ConfigKey] = source;
    }
  }
  return { config: merged as EngineConfig, sources };
}

/** The data dir the non-saved layers point at (the saved layer lives inside it). */
export function dataDirOf(layers: Omit<Layers, 'saved'>, fallback: string): string {
  return layers.flag.dataDir ?? layers.env.dataDir ?? layers.file.dataDir ?? fallback;
}
