// Every engine setting, declared once: its type and bounds, its default, the help the CLI prints,
// whether it is a secret, and whether Settings may change it while the engine runs. The CLI flags,
// the TRAJSCOPE_* env vars, the --config file, the settings saved from the UI and the Electron host
// all resolve through this table (electron/core/config/ does the reading and layering).
// Over 300 lines: it is the one table of every setting; split, a setting's flag, env var and help
// would live apart.
import { z } from 'zod';
import { GATEWAY_MODES, ISOLATION_MODES, RUNTIME_KINDS } from './domain.ts';

/** Where an effective value came from, highest first. */
export const CONFIG_SOURCES = ['flag', 'env', 'file', 'saved', 'default'] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

/** How a value is written on a command line or in an env var. */
type Kind = 'text' | 'int' | 'bool' | 'list' | 'json';

interface Field {
  schema: z.ZodType;
  kind: Kind;
  /** The placeholder in `--flag <arg>`; booleans have none. */
  arg?: string;
  help: string;
  default?: unknown;
  /** Never shown back in full, never logged, never exported; refused as a command-line flag. */
  secret?: true;
  /** Settings may change it while the engine runs (it applies to new episodes or gateways). */
  live?: true;
}

const text = (max = 4096) => z.string().trim().min(1).max(max);
const port = z.number().int().min(0).max(65535);
/** Credentials written into a URL (`user:password@host`): a secret where every URL is shown. */
export const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;
// Refused rather than sent as HTTP Basic: a URL is shown, logged and put on command lines, and the
// Authorization header is the API key's (upstreamKey, sent as a Bearer).
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .refine((u) => !URL_CREDENTIALS.test(u), {
    error:
      'credentials in a URL (user:password@) are refused: they would be shown and stored; put the key in upstreamKey',
  });
const secret = z.string().min(1).max(4096);
const jsonObject = z.record(z.string(), z.unknown());

export const CONFIG_FIELDS = {
  dataDir: { schema: text(), kind: 'text', arg: '<dir>', help: 'where the database, logs and gateway dirs live' },
  host: { schema: text(255), kind: 'text', arg: '<host>', default: '127.0.0.1', help: 'address every server binds' },
  expose: {
    schema: z.boolean(),
    kind: 'bool',
    default: false,
    help: 'allow --host to be an address other machines reach (the engine then names each realm and its credential)',
  },
  port: { schema: port, kind: 'int', arg: '<port>', default: 0, help: 'port of the UI and workbench API (0 = any)' },
  uiToken: {
    schema: z
      .string()
      .min(24)
      .max(256)
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
    kind: 'text',
    secret: true,
    help: 'the workbench API and UI token (default: random per run); fix it where a hub reaches this engine',
  },
  remotes: {
    schema: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lower-case letters, digits, ., _ and -'),
          url: httpUrl,
          token: z.string().min(1).max(256),
        }),
      )
      .max(64)
      .refine((rs) => new Set(rs.map((r) => r.name)).size === rs.length, { error: 'remote names must differ' })
      .refine((rs) => !rs.some((r) => r.name === 'local'), { error: '"local" names this engine: pick another name' }),
    kind: 'json',
    live: true,
    secret: true,
    help:
      'other engines this one shows as a hub: [{"name","url","token"}] (the url of their workbench API, ' +
      'the token their uiToken); from the config file, TRAJSCOPE_REMOTES or Settings → Hosts, never a flag',
  },
  proxyPort: { schema: port, kind: 'int', arg: '<port>', default: 0, help: 'port of the DataProxy (0 = any)' },
  upstreamPort: {
    schema: port,
    kind: 'int',
    arg: '<port>',
    default: 0,
    help: 'port of the upstream recorder (0 = any)',
  },
  adminKey: {
    schema: secret,
    kind: 'text',
    secret: true,
    help: 'bearer for the DataProxy and admin routes (random when absent)',
  },
  runtime: {
    schema: z.enum(RUNTIME_KINDS),
    kind: 'text',
    arg: '<kind>',
    help: `agent runtime of new sessions: ${RUNTIME_KINDS.join('|')} (default: openclaw where it runs)`,
  },
  upstreamUrl: {
    schema: httpUrl,
    kind: 'text',
    arg: '<url>',
    live: true,
    help: 'OpenAI-compatible model server (with /v1) instead of the embedded scripted model',
  },
  upstreamKey: { schema: secret, kind: 'text', secret: true, live: true, help: 'API key of the model server' },
  upstreamModel: { schema: text(500), kind: 'text', arg: '<model>', live: true, help: 'model name to ask for' },
  scenario: { schema: text(), kind: 'text', arg: '<file>', help: 'scripted model scenario (docs/scenarios.md)' },
  tokenizer: {
    schema: text(),
    kind: 'text',
    arg: '<path>',
    live: true,
    help: "the model's tokenizer and chat template: a Hugging Face model dir or tokenizer.json (default: Qwen3's)",
  },
  detectors: {
    schema: z.array(text()).max(50),
    kind: 'list',
    arg: '<files>',
    help: 'modules of your own leak detectors, run beside the built-in ones (comma separated; docs/leaks.md)',
  },
  bodyLimit: {
    schema: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3),
    kind: 'int',
    arg: '<bytes>',
    default: 32 * 1024 * 1024,
    help: 'largest request body the DataProxy and the recorder accept',
  },
  responseLimit: {
    schema: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3),
    kind: 'int',
    arg: '<bytes>',
    default: 64 * 1024 * 1024,
    help: "largest answer read from a model server or gateway; past it the call ends 'too_large'",
  },
  sseLineLimit: {
    schema: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3),
    kind: 'int',
    arg: '<chars>',
    default: 16 * 1024 * 1024,
    help: "longest line of a streamed answer; past it the call ends 'too_large'",
  },
  openclawBin: {
    schema: text(),
    kind: 'text',
    arg: '<path>',
    live: true,
    help: 'openclaw.mjs or an openclaw executable',
  },
  openclawNode: {
    schema: text(),
    kind: 'text',
    arg: '<path>',
    help: 'the Node (>= 24.16) that runs openclaw.mjs under the desktop app (default: node on PATH)',
  },
  poolSize: {
    schema: z.number().int().min(0).max(16),
    kind: 'int',
    arg: '<n>',
    help: 'warm gateways kept ready (default 1 when OpenClaw is the runtime)',
  },
  isolation: {
    schema: z.enum(ISOLATION_MODES),
    kind: 'text',
    arg: '<mode>',
    default: 'rebind',
    live: true,
    help: `OpenClaw isolation per episode: ${ISOLATION_MODES.join('|')}`,
  },
  gatewayMode: {
    schema: z.enum(GATEWAY_MODES),
    kind: 'text',
    arg: '<mode>',
    default: 'per-session',
    live: true,
    help:
      'OpenClaw gateways: per-session (a process each) | shared (sessions as agents of shared gateways); ' +
      'applies to sessions placed from then on',
  },
  sessionsPerGateway: {
    schema: z.number().int().min(1).max(64),
    kind: 'int',
    arg: '<n>',
    default: 8,
    live: true,
    help: 'shared mode: sessions per shared gateway (for gateways started from then on)',
  },
  memoryGrowthMbPerHour: {
    schema: z.number().int().min(1).max(100000),
    kind: 'int',
    arg: '<mb>',
    default: 100,
    live: true,
    help: "warn (memory_growth) when a gateway's idle RSS keeps rising faster than this many MB per hour",
  },
  openclawConfig: {
    schema: z.union([text(), jsonObject]),
    kind: 'text',
    arg: '<file>',
    live: true,
    help: 'JSON overlay merged over the safe gateway config (a file; an object in --config or Settings)',
  },
  noUi: { schema: z.boolean(), kind: 'bool', default: false, help: 'serve no UI (engine and API routes only)' },
  noTokenIds: {
    schema: z.boolean(),
    kind: 'bool',
    default: false,
    live: true,
    help: 'do not ask model servers for token ids and logprobs (the token checks then have none)',
  },
  arealRouter: {
    schema: httpUrl,
    kind: 'text',
    arg: '<url>',
    help: 'AReaL agent-service Router to register the DataProxy with (at start; unregistered at stop)',
  },
  arealRouterKey: {
    schema: secret,
    kind: 'text',
    secret: true,
    help: "the Router's admin key (default: AReaL's default)",
  },
  arealAdvertiseUrl: {
    schema: httpUrl,
    kind: 'text',
    arg: '<url>',
    help: "the DataProxy address the Router hands to AReaL's Gateway (default: the DataProxy's own URL)",
  },
  allowedHosts: {
    schema: z.array(text(255)).max(100),
    kind: 'list',
    arg: '<names>',
    help: 'extra Host names the servers answer (comma separated; loopback names and IP addresses always work)',
  },
  requestTimeoutMs: {
    schema: z.number().int().min(1000).max(3_600_000),
    kind: 'int',
    arg: '<ms>',
    default: 60_000,
    help: 'longest time a client may take to send a whole request',
  },
  upstreamTimeoutMs: {
    schema: z.number().int().min(1000).max(3_600_000),
    kind: 'int',
    arg: '<ms>',
    default: 300_000,
    help: 'longest wait for the model server to start answering',
  },
  upstreamIdleTimeoutMs: {
    schema: z.number().int().min(1000).max(3_600_000),
    kind: 'int',
    arg: '<ms>',
    default: 300_000,
    help: 'longest silence allowed inside a model server answer',
  },
} satisfies Record<string, Field>;

export type ConfigKey = keyof typeof CONFIG_FIELDS;
export const CONFIG_KEYS = Object.keys(CONFIG_FIELDS) as ConfigKey[];
export type LiveKey = { [K in ConfigKey]: (typeof CONFIG_FIELDS)[K] extends { live: true } ? K : never }[ConfigKey];
/** The settings Settings may change while the engine runs. */
export const LIVE_KEYS = CONFIG_KEYS.filter((k): k is LiveKey => 'live' in CONFIG_FIELDS[k]);
export const SECRET_KEYS = CONFIG_KEYS.filter((k) => 'secret' in CONFIG_FIELDS[k]);

type Values = { [K in ConfigKey]: z.output<(typeof CONFIG_FIELDS)[K]['schema']> };
type Defaulted = { [K in ConfigKey]: (typeof CONFIG_FIELDS)[K] extends { default: unknown } ? K : never }[ConfigKey];

/** The effective configuration: every key with a default is always set, and the data dir is known. */
export type EngineConfig = Pick<Values, Defaulted> & Partial<Omit<Values, Defaulted | 'dataDir'>> & { dataDir: string };
/** One source's values (any subset). */
export type ConfigLayer = Partial<Values>;

/** A strict schema for one layer: unknown keys are refused with their names. */
export const configLayer = z.strictObject(
  Object.fromEntries(CONFIG_KEYS.map((k) => [k, CONFIG_FIELDS[k].schema.optional()])) as {
    [K in ConfigKey]: z.ZodOptional<(typeof CONFIG_FIELDS)[K]['schema']>;
  },
);

/** The values of keys that have defaults. */
export function configDefaults(): ConfigLayer {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if ('default' in CONFIG_FIELDS[k]) out[k] = CONFIG_FIELDS[k].default;
  return out as ConfigLayer;
}

/** The env var of a key: dataDir → TRAJSCOPE_DATA_DIR. */
export function envName(key: string): string {
  return `TRAJSCOPE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The flag of a key: dataDir → --data-dir. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Text from a flag or an env var, as the value its field expects (the schema then checks it). */
export function fromText(key: ConfigKey, raw: string): unknown {
  const kind: Kind = CONFIG_FIELDS[key].kind;
  if (kind === 'int') return raw.trim() !== '' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (kind === 'bool') return /^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : raw;
  if (kind === 'json')
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  if (kind === 'list')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return raw;
}

/** How a secret is shown back: whether it is set, and its last four characters when it is long. */
export function secretHint(value: unknown): string | null {
  // remotes: their names and addresses, never their tokens
  if (Array.isArray(value))
    return value.map((r: { name?: unknown; url?: unknown }) => `${String(r.name)} ${String(r.url)}`).join(', ') || null;
  if (typeof value !== 'string' || !value) return null;
  return value.length >= 12 ? `…${value.slice(-4)}` : `set (${value.length} characters)`;
}

/** Settings → Connections: what may be changed while the engine runs (null clears a saved value). */
export const configPatch = z.strictObject(
  Object.fromEntries(LIVE_KEYS.map((k) => [k, CONFIG_FIELDS[k].schema.nullable().optional()])) as {
    [K in LiveKey]: z.ZodOptional<z.ZodNullable<(typeof CONFIG_FIELDS)[K]['schema']>>;
  },
);
export type ConfigPatch = z.infer<typeof configPatch>;

/** What the UI reads: effective values (secrets as hints), where each came from, what it may change. */
export interface ConfigView {
  values: Record<string, unknown>;
  sources: Partial<Record<ConfigKey, ConfigSource>>;
  live: ConfigKey[];
  secrets: ConfigKey[];
  /** The keys a higher source (flag, env, file) fixes: a saved value for them has no effect. */
  pinned: ConfigKey[];
}
