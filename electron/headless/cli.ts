// The `trajscope` command line: `serve` runs the engine headless with its UI on loopback,
// `export` writes the JSONL of recorded interactions. Errors are one line, never a stack trace.
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RuntimeKind } from '../../shared/domain.ts';
import { exportLines } from '../core/export.ts';
import type { JsonObject } from '../core/gateways/config.ts';
import { Store } from '../core/store/store.ts';
import { mintToken } from '../core/upstream/keys.ts';
import { loadScenario } from '../core/upstream/scripted/server.ts';
import { Workbench } from '../core/workbench.ts';
import { ApiServer } from './api-server.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

class UsageError extends Error {}

const USAGE = `usage: trajscope <command> [flags]
  serve    run the engine and its UI on loopback
           --data-dir D --runtime openclaw|direct --host H --port P --proxy-port P --upstream-port P
           --admin-key K --upstream-url U --upstream-key K --upstream-model M --scenario FILE
           --openclaw-bin PATH --openclaw-config FILE --pool-size N --isolation rebind|fresh
           --body-limit BYTES --no-ui
  export   write recorded interactions as JSON Lines
           --data-dir D [--out FILE] [--episodes id,id] [--discount G]
  lab      leak lab: \`lab list [--json]\`, \`lab run <scenario> [--json]\` (real gateways, scripted model)
Every flag can also be set as TRAJSCOPE_<FLAG> (e.g. TRAJSCOPE_DATA_DIR).`;

const FLAGS = {
  'data-dir': { type: 'string' }, runtime: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
  'proxy-port': { type: 'string' }, 'upstream-port': { type: 'string' }, 'admin-key': { type: 'string' },
  'upstream-url': { type: 'string' }, 'upstream-key': { type: 'string' }, 'upstream-model': { type: 'string' },
  scenario: { type: 'string' }, 'openclaw-bin': { type: 'string' }, 'openclaw-config': { type: 'string' },
  'pool-size': { type: 'string' }, isolation: { type: 'string' }, 'body-limit': { type: 'string' }, 'no-ui': { type: 'boolean' },
  out: { type: 'string' }, episodes: { type: 'string' }, discount: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const;

type Flags = Partial<Record<keyof typeof FLAGS, string | boolean>>;

function parse(argv: string[]): { command: string; args: string[]; flags: Flags } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const flags: Flags = { ...parsed.values };
  for (const name of Object.keys(FLAGS) as Array<keyof typeof FLAGS>) {
    const env = process.env[`TRAJSCOPE_${name.toUpperCase().replace(/-/g, '_')}`];
    if (flags[name] === undefined && env !== undefined && env !== '') flags[name] = FLAGS[name].type === 'boolean' ? env !== '0' && env !== 'false' : env;
  }
  return { command: parsed.positionals[0] ?? (flags.help ? 'help' : ''), args: parsed.positionals.slice(1), flags };
}

function str(flags: Flags, name: keyof typeof FLAGS): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

function port(flags: Flags, name: keyof typeof FLAGS): number {
  const v = str(flags, name);
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be a port number (0-65535), got "${v}"`);
  return n;
}

export function defaultDataDir(): string {
  return join(homedir(), '.trajscope');
}

async function serve(flags: Flags): Promise<void> {
  const dataDir = resolve(str(flags, 'data-dir') ?? defaultDataDir());
  const runtime = str(flags, 'runtime');
  if (runtime !== undefined && runtime !== 'direct' && runtime !== 'openclaw') throw new UsageError(`--runtime must be openclaw or direct, got "${runtime}"`);
  const bodyLimit = str(flags, 'body-limit') === undefined ? undefined : Number(str(flags, 'body-limit'));
  if (bodyLimit !== undefined && (!Number.isInteger(bodyLimit) || bodyLimit < 1024)) throw new UsageError('--body-limit must be a whole number of bytes, at least 1024');
  const scenarioPath = str(flags, 'scenario');
  const isolation = str(flags, 'isolation');
  if (isolation !== undefined && isolation !== 'rebind' && isolation !== 'fresh') throw new UsageError(`--isolation must be rebind or fresh, got "${isolation}"`);
  const poolSize = str(flags, 'pool-size') === undefined ? undefined : Number(str(flags, 'pool-size'));
  if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 0 || poolSize > 16)) throw new UsageError('--pool-size must be a whole number from 0 to 16');
  const overlayPath = str(flags, 'openclaw-config');
  let overlay: JsonObject | undefined;
  if (overlayPath) {
    try {
      overlay = JSON.parse(readFileSync(overlayPath, 'utf8'));
    } catch (err) {
      throw new UsageError(`--openclaw-config ${overlayPath}: ${(err as Error).message}`);
    }
    if (!overlay || typeof overlay !== 'object' || Array.isArray(overlay)) throw new UsageError(`--openclaw-config ${overlayPath} must hold a JSON object`);
  }
  const host = str(flags, 'host') ?? '127.0.0.1';
  const wb = new Workbench({
    dataDir, host, runtime: runtime as RuntimeKind | undefined, bodyLimit,
    proxyPort: port(flags, 'proxy-port'), upstreamPort: port(flags, 'upstream-port'),
    adminKey: str(flags, 'admin-key'), upstreamUrl: str(flags, 'upstream-url'), upstreamKey: str(flags, 'upstream-key'),
    upstreamModel: str(flags, 'upstream-model'), scenario: scenarioPath ? loadScenario(scenarioPath) : undefined,
    openclaw: { bin: str(flags, 'openclaw-bin'), poolSize, isolation: isolation as 'rebind' | 'fresh' | undefined, overlay },
  });
  let api: ApiServer | null = null;
  const runtimeFile = join(dataDir, 'runtime.json');
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await api?.stop();
    await wb.stop();
    rmSync(runtimeFile, { force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    await wb.start();
    if (wb.openclaw?.problem) process.stderr.write(`trajscope: ${wb.openclaw.problem}; sessions use DirectRuntime.\n`);
    if (!flags['no-ui']) {
      api = new ApiServer(wb, mintToken(), join(ROOT, 'out/renderer'));
      await api.start(host, port(flags, 'port'));
    }
  } catch (err) {
    await api?.stop();
    await wb.stop();
    throw err;
  }
  const ready = {
    ui: api ? `${api.url}/?token=${api.token}` : null, api: api?.url ?? null, proxy: wb.proxyUrl, upstream: wb.recorder.url,
    adminKey: wb.adminKey, dataDir,
  };
  writeFileSync(runtimeFile, JSON.stringify(ready, null, 2) + '\n', { mode: 0o600 });
  chmodSync(runtimeFile, 0o600);
  process.stdout.write(`TRAJSCOPE_READY ${JSON.stringify(ready)}\n`);
  if (ready.ui) process.stderr.write(`trajscope: workbench UI at ${ready.ui} — Ctrl+C stops everything\n`);
}

function exportCommand(flags: Flags): void {
  const dataDir = str(flags, 'data-dir');
  if (!dataDir) throw new UsageError('export needs --data-dir');
  const discount = str(flags, 'discount') === undefined ? 1 : Number(str(flags, 'discount'));
  if (!Number.isFinite(discount) || discount < 0 || discount > 1) throw new UsageError('--discount must be a number from 0 to 1');
  const store = new Store(resolve(dataDir));
  try {
    const episodes = str(flags, 'episodes')?.split(',').map((s) => s.trim()).filter(Boolean);
    const out = str(flags, 'out');
    if (!out) {
      for (const line of exportLines(store, { episodes, discount })) process.stdout.write(line + '\n');
      return;
    }
    // Written beside the target and renamed into place: a failed export never leaves half a file.
    const tmpDir = mkdtempSync(join(dirname(resolve(out)), '.trajscope-export-'));
    const tmp = join(tmpDir, 'export.jsonl');
    const fd = openSync(tmp, 'w', 0o600);
    let count = 0;
    try {
      for (const line of exportLines(store, { episodes, discount })) {
        writeSync(fd, line + '\n');
        count++;
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, resolve(out));
    rmSync(tmpDir, { recursive: true, force: true });
    process.stderr.write(`exported ${count} interactions to ${out}\n`);
  } finally {
    store.close();
  }
}

async function labCommand(args: string[], flags: Flags): Promise<number> {
  const { runScenario, SCENARIOS } = await import('../core/analysis/lab.ts');
  if (args[0] === 'list') {
    if (flags.json) process.stdout.write(JSON.stringify(SCENARIOS.map((s) => s.name)) + '\n');
    else for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(22)} expects ${s.expected.length ? s.expected.join(', ') : 'no alert'} — ${s.description}\n`);
    return 0;
  }
  if (args[0] !== 'run' || !args[1]) throw new UsageError('lab takes `list` or `run <scenario>`');
  if (!SCENARIOS.some((s) => s.name === args[1])) throw new UsageError(`unknown scenario "${args[1]}"; choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const verdict = await runScenario(args[1], { openclaw: { bin: str(flags, 'openclaw-bin') } });
  if (flags.json) process.stdout.write(JSON.stringify(verdict) + '\n');
  else {
    process.stdout.write(`${verdict.pass ? 'PASS' : 'FAIL'} ${verdict.scenario}: expected ${verdict.expected.join(', ') || 'no alert'}; raised ${verdict.alerts.map((a) => a.kind).join(', ') || 'nothing'}\n`);
    for (const a of verdict.alerts) process.stdout.write(`  ${a.kind} (${a.severity}) turn ${a.turnId ?? '–'}: ${JSON.stringify(a.evidence).slice(0, 300)}\n`);
  }
  return verdict.pass ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { command, args, flags } = parse(argv);
    if (command === 'help' || flags.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (command === 'serve') {
      await serve(flags);
      return -1; // keeps running until a signal
    }
    if (command === 'export') {
      exportCommand(flags);
      return 0;
    }
    if (command === 'lab') return await labCommand(args, flags);
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`trajscope: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ' (the port is taken: choose another or use 0)' : '';
    process.stderr.write(`trajscope: ${e.message}${hint}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}
