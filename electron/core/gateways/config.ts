// The OpenClaw gateway config Trajscope writes: safe by default (loopback, token, minimal tools,
// no host exec, loop detection on, no background work, logs and state inside the gateway dir),
// with a user overlay merged on top. Written atomically so hot reload never sees half a file.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROVIDER = 'trajscope';
/** OpenClaw's file secrets provider that holds every provider's key (the gateway's keys.json). */
export const KEYS_PROVIDER = 'trajscope-keys';

/**
 * A provider's apiKey as a reference into the gateway's key file, not the key itself: a new key is
 * then the file rewritten and OpenClaw's `secrets.reload` (≈ 0.1 s), not a config reload (≈ 0.8 s),
 * and no key sits in the config file.
 */
export function keyRef(provider: string): JsonObject {
  return { source: 'file', provider: KEYS_PROVIDER, id: `/${provider.replaceAll('~', '~0').replaceAll('/', '~1')}` };
}

/** The key file's path inside a gateway's dir. */
export const keysPath = (dir: string) => join(dir, 'keys.json');

export interface ProviderBinding {
  baseUrl: string;
  apiKey: string;
  model: string;
}

export interface GatewayConfigInput {
  dir: string;
  port: number;
  token: string;
  provider: ProviderBinding;
  /** safe: Trajscope's hardened config; openclaw-defaults: only what a gateway needs (benchmarks compare the two). */
  base?: 'safe' | 'openclaw-defaults';
}

export type JsonObject = { [key: string]: unknown };

/** A provider entry for `models.providers`: the binding's URL and model, its key from the key file. */
export function providerEntry(name: string, b: ProviderBinding): JsonObject {
  return {
    baseUrl: b.baseUrl,
    apiKey: keyRef(name),
    api: 'openai-completions',
    models: [{ id: b.model, name: b.model, contextWindow: 128_000, maxTokens: 4096 }],
  };
}

function secretsConfig(dir: string): JsonObject {
  return { providers: { [KEYS_PROVIDER]: { source: 'file', path: keysPath(dir), mode: 'json' } } };
}

/** Trajscope's safe default config for one gateway. */
export function safeConfig(c: GatewayConfigInput): JsonObject {
  return {
    gateway: {
      mode: 'local',
      port: c.port,
      bind: 'loopback',
      auth: { mode: 'token', token: c.token },
      http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } },
      controlUi: { enabled: false },
      terminal: { enabled: false },
    },
    update: { checkOnStart: false },
    models: {
      mode: 'merge',
      providers: {
        [PROVIDER]: providerEntry(PROVIDER, c.provider),
      },
    },
    agents: {
      defaults: {
        model: { primary: `${PROVIDER}/${c.provider.model}` },
        skipBootstrap: true,
        heartbeat: { every: '0m' },
      },
    },
    secrets: secretsConfig(c.dir),
    tools: {
      profile: 'minimal',
      deny: ['group:runtime', 'group:fs', 'gateway', 'sessions_spawn'],
      loopDetection: { enabled: true },
    },
    commands: { restart: false, bash: false, config: false },
    skills: { workshop: { autonomous: { mode: 'off' } } },
    plugins: { enabled: false },
    cron: { enabled: false },
    logging: { file: join(c.dir, 'logs', 'openclaw.log') },
  };
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges `overlay` onto `base`: objects merge, `null` removes a key, anything else (arrays too) replaces. */
export function mergeConfig(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else out[k] = isObject(v) && isObject(out[k]) ? mergeConfig(out[k] as JsonObject, v) : v;
  }
  return out;
}

/** OpenClaw's own defaults plus the few keys a local gateway needs to serve our provider. */
export function openclawDefaultsConfig(c: GatewayConfigInput): JsonObject {
  return {
    gateway: {
      mode: 'local',
      port: c.port,
      bind: 'loopback',
      auth: { mode: 'token', token: c.token },
      http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } },
    },
    models: safeConfig(c).models as JsonObject,
    secrets: secretsConfig(c.dir),
    agents: { defaults: { model: { primary: `${PROVIDER}/${c.provider.model}` } } },
    logging: { file: join(c.dir, 'logs', 'openclaw.log') },
  };
}

/** The config written for a gateway: base, then the user's overlay, then the binding, which always wins. */
export function effectiveConfig(c: GatewayConfigInput, overlay: JsonObject = {}): JsonObject {
  const base = c.base === 'openclaw-defaults' ? openclawDefaultsConfig(c) : safeConfig(c);
  const binding: JsonObject = {
    gateway: { port: c.port, auth: { mode: 'token', token: c.token } },
    models: { providers: { [PROVIDER]: ((base.models as JsonObject).providers as JsonObject)[PROVIDER] } },
    secrets: secretsConfig(c.dir),
  };
  return mergeConfig(mergeConfig(base, overlay), binding);
}

/**
 * Atomic write: temp file + rename, so the gateway's watcher never reads a partial file (and the
 * key file stays a private file with one link, which OpenClaw's file secrets provider requires).
 */
export function writeConfig(path: string, config: JsonObject): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}
