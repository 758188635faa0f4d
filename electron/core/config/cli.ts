// The configuration as command-line options (commander), and the one function every host uses to
// build its ConfigService: flags, then TRAJSCOPE_* env, then the --config file, then the settings
// saved from the UI, then defaults. Secrets are refused as flags: any local user can read argv.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { CONFIG_FIELDS, CONFIG_KEYS, envName, flagName, type ConfigLayer } from '../../../shared/config.ts';
import { ConfigError, dataDirOf, envLayer, fileLayer, flagLayer } from './load.ts';
import { ConfigService, type SecretCodec } from './service.ts';

/** Where data lives when nothing says otherwise (both hosts share it). */
export function defaultDataDir(): string {
  return join(homedir(), '.trajscope');
}

/** Adds a flag for every setting (and --config) to a command. */
export function addConfigOptions(cmd: Command): Command {
  cmd.option('--config <file>', 'a JSON file of settings; its keys are the flags in camelCase (also TRAJSCOPE_CONFIG)');
  for (const key of CONFIG_KEYS) {
    const f = CONFIG_FIELDS[key];
    if (f.kind === 'bool') {
      cmd.addOption(new Option(flagName(key), f.help));
      continue;
    }
    const option = new Option(`${flagName(key)} <${'arg' in f ? f.arg.replace(/[<>]/g, '') : 'value'}>`, f.help);
    // still parsed, so that using it gets a clear refusal instead of "unknown option"
    if ('secret' in f) option.hideHelp();
    cmd.addOption(option);
  }
  return cmd;
}

/** The flag layer from commander's parsed options; a secret given as a flag is refused. */
export function flagsFrom(opts: Record<string, unknown>): { flags: ConfigLayer; configFile: string | undefined } {
  const raw: Record<string, string | boolean> = {};
  for (const key of CONFIG_KEYS) {
    const f = CONFIG_FIELDS[key];
    const v = f.kind === 'bool' ? boolOption(key, opts) : opts[key];
    if (v === undefined) continue;
    if ('secret' in f) {
      throw new ConfigError(
        `${flagName(key)} would put a secret on the command line, where any local user can read it (ps); ` +
          `set ${envName(key)} or put "${key}" in a --config file instead`,
      );
    }
    raw[key] = v as string | boolean;
  }
  const configFile = typeof opts.config === 'string' ? opts.config : undefined;
  return { flags: flagLayer(raw), configFile };
}

/** commander turns `--no-ui` into `ui: false`; the setting itself is `noUi: true`. */
function boolOption(key: string, opts: Record<string, unknown>): boolean | undefined {
  const negated = /^no([A-Z].*)$/.exec(key);
  if (!negated) return opts[key] as boolean | undefined;
  const positive = negated[1]![0]!.toLowerCase() + negated[1]!.slice(1);
  return opts[positive] === false ? true : undefined;
}

export interface LoadOptions {
  flags?: ConfigLayer;
  configFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
  fallbackDataDir?: string;
  codec?: SecretCodec;
}

/** Every host builds its configuration here, from the same sources in the same order. */
export function loadConfig(o: LoadOptions = {}): ConfigService {
  const env = o.env ?? process.env;
  const flag = o.flags ?? {};
  const envValues = envLayer(env);
  const configFile = o.configFile ?? (env.TRAJSCOPE_CONFIG || undefined);
  const file = configFile ? fileLayer(configFile) : {};
  const dataDir = dataDirOf({ flag, env: envValues, file }, o.fallbackDataDir ?? defaultDataDir());
  return new ConfigService({ flag, env: envValues, file }, dataDir, o.codec);
}
