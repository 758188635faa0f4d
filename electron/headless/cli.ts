// The `trajscope` command line: `serve` runs the engine headless with its UI on loopback, `export`
// writes recorded interactions as JSON Lines, `import` reads exports back, `replay` re-runs an
// episode, `lab` runs the leak lab, `collect` copies remote engines' data into a local data dir.
// Arguments are parsed by commander; every error is one line (exit 2 for usage, 1 for failures),
// never a stack trace.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { addConfigOptions, defaultDataDir, flagsFrom, loadConfig } from '../core/config/cli.ts';
import { ConfigError } from '../core/config/load.ts';
import { DataDirBusyError } from '../core/store/data-dir-lock.ts';
import { guardOutput } from '../core/output.ts';
import { GATEWAY_MODES, ISOLATION_MODES, STARTABLE_RUNTIMES, type GatewayMode } from '../../shared/domain.ts';
import { SESSION_KEY_MODES } from '../../shared/rollouts.ts';
import { age, count, discount, hostNames } from './commands/args.ts';
import { collectCommand } from './commands/collect.ts';
import { exportCommand } from './commands/export.ts';
import { UNLABELED_POLICIES, type UnlabeledPolicy } from '../core/export/jsonl.ts';
import { TOKEN_STYLES, type TokenStyle } from '../core/export/token-rows.ts';
import { pruneCommand, searchCommand, vacuumCommand } from './commands/data.ts';
import { importCommand } from './commands/import.ts';
import { labList, labRun } from './commands/lab.ts';
import { replayCommand } from './commands/replay.ts';
import { serve } from './commands/serve.ts';
import { UsageError } from './commands/usage.ts';

interface ExportFlags {
  dataDir: string;
  out?: string;
  episodes?: string;
  session?: string;
  discount: number;
  includeFailed?: boolean;
  dropRetryOrphans?: boolean;
  unlabeled: UnlabeledPolicy;
  includeLab?: boolean;
  tokens?: boolean;
  style: TokenStyle;
  hosts?: 'all' | string[];
  config?: string;
}

/** What a command asks main() to do when it returns: exit with a code, or keep running (serve). */
type Outcome = { exit: number } | { keepRunning: true };

function program(done: (o: Outcome) => void): Command {
  const root = new Command('trajscope')
    .description('A workbench for RL agent episodes on OpenClaw gateways and AReaL-style agent services')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  root.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
    // one line in our own voice, like every other error
    outputError: (s, write) => write(`trajscope: ${s.replace(/^error: /, '')}`),
  });

  addConfigOptions(root.command('serve').description('run the engine and its UI on loopback (until Ctrl+C)'))
    .addHelpText('after', '\nEvery setting can also be a TRAJSCOPE_<SETTING> env var or a key of the --config file.\n')
    .action(async (opts: Record<string, unknown>) => {
      const { flags, configFile } = flagsFrom(opts);
      await serve(loadConfig({ flags, configFile }));
      done({ keepRunning: true });
    });

  root
    .command('export')
    .description('write recorded interactions as JSON Lines (one object per complete upstream call)')
    .requiredOption('--data-dir <dir>', 'the data dir to read')
    .option('--out <file>', 'write here instead of stdout')
    .option('--episodes <ids>', 'only these episodes (comma separated)')
    .option('--session <key>', "only this session's episodes")
    .addOption(
      new Option('--discount <gamma>', 'reward discount γ for r_i ← r_i + γ·r_{i+1}').argParser(discount).default(1),
    )
    .option('--include-failed', 'also write failed calls, marked by their outcome and without reward')
    .option('--drop-retry-orphans', 'leave out the answers a client retry left dangling (AReaL #1498)')
    .addOption(
      new Option(
        '--unlabeled <policy>',
        'episodes nobody rewarded: skip them, write reward 0 (reward_source "default"), or write reward null',
      )
        .choices([...UNLABELED_POLICIES])
        .default('skip'),
    )
    .option('--include-lab', "also export the leak lab's sessions (leaky on purpose)")
    .option('--tokens', "write token rows in AReaL's tensor-dict shape (input_ids, loss_mask, logprobs, versions)")
    .addOption(
      new Option('--style <style>', 'with --tokens: one row per call, or calls joined where the token prefix holds')
        .choices([...TOKEN_STYLES])
        .default('individual'),
    )
    .addOption(
      new Option(
        '--hosts <names>',
        'also the remote engines\' data ("all", or names; "local" is this data dir), each line tagged with its host',
      ).argParser(hostNames),
    )
    .option('--config <file>', 'the config file naming the remotes (for --hosts)')
    .action(async (opts: ExportFlags) => {
      const episodes = opts.episodes
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const includeFailed = Boolean(opts.includeFailed);
      const dropRetryOrphans = Boolean(opts.dropRetryOrphans);
      const includeLab = Boolean(opts.includeLab);
      if (opts.tokens && opts.includeFailed)
        throw new UsageError('--include-failed cannot go with --tokens: a failed call is not training data in tokens');
      const tokens = opts.tokens ? opts.style : undefined;
      await exportCommand({ ...opts, episodes, includeFailed, dropRetryOrphans, includeLab, tokens });
      done({ exit: 0 });
    });

  root
    .command('collect')
    .description(
      "copy the remote engines' ended episodes into a local data dir; run again, it adds only what is new " +
        '(an episode copied keeps the labels it had then)',
    )
    .requiredOption('--data-dir <dir>', 'the local data dir to copy into')
    .option('--config <file>', 'the config file naming the remotes (else TRAJSCOPE_CONFIG, TRAJSCOPE_REMOTES)')
    .addOption(
      new Option('--hosts <names>', 'the remotes to copy from ("all", or names)').argParser(hostNames).default('all'),
    )
    .option('--json', 'print what was copied as JSON')
    .action(async (opts: { dataDir: string; config?: string; hosts: 'all' | string[]; json?: boolean }) => {
      await collectCommand({ ...opts, json: Boolean(opts.json) });
      done({ exit: 0 });
    });

  root
    .command('import <file>')
    .description(
      "import an exported trajectory file (AReaL's export shapes or trajscope JSON Lines) as read-only episodes",
    )
    .option('--data-dir <dir>', 'the data dir to import into (default ~/.trajscope)')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { dataDir?: string; json?: boolean }) => {
      importCommand(
        file,
        resolve(opts.dataDir ?? process.env.TRAJSCOPE_DATA_DIR ?? defaultDataDir()),
        Boolean(opts.json),
      );
      done({ exit: 0 });
    });

  root
    .command('replay')
    .description("re-run an episode's user messages through a new session and compare it with the source")
    .requiredOption('--data-dir <dir>', 'the data dir holding the episode')
    .requiredOption('--episode <id>', 'the episode to replay')
    .addOption(new Option('--runtime <runtime>', 'run it on this runtime').choices([...STARTABLE_RUNTIMES]))
    .addOption(new Option('--isolation <mode>', 'OpenClaw isolation per episode').choices([...ISOLATION_MODES]))
    .addOption(
      new Option('--session-keys <mode>', "OpenClaw's x-openclaw-session-key per turn or one for all").choices([
        ...SESSION_KEY_MODES,
      ]),
    )
    .option('--upstream <id>', 'an upstream connection id (see Settings → Connections), or "scripted"')
    .option('--openclaw-bin <path>', 'openclaw.mjs or an openclaw executable')
    .option('--json', 'print the comparison as JSON')
    .action(
      async (opts: {
        dataDir: string;
        episode: string;
        runtime?: (typeof STARTABLE_RUNTIMES)[number];
        isolation?: (typeof ISOLATION_MODES)[number];
        sessionKeys?: (typeof SESSION_KEY_MODES)[number];
        upstream?: string;
        openclawBin?: string;
        json?: boolean;
      }) => {
        const { runtime, isolation, sessionKeys, upstream } = opts;
        const overrides = Object.fromEntries(
          Object.entries({ runtime, isolation, sessionKeys, upstream }).filter(([, v]) => v !== undefined),
        );
        await replayCommand({
          dataDir: resolve(opts.dataDir),
          episode: opts.episode,
          json: Boolean(opts.json),
          openclawBin: opts.openclawBin,
          overrides,
        });
        done({ exit: 0 });
      },
    );

  root
    .command('prune')
    .description('remove episodes by age and/or session with all they recorded (labeled ones are kept)')
    .requiredOption('--data-dir <dir>', 'the data dir to prune')
    .addOption(new Option('--older-than <age>', 'episodes started longer ago than this: 30d, 12h, 2w').argParser(age))
    .option('--session <keys>', 'episodes of these sessions (comma separated)')
    .option('--include-labeled', 'remove episodes carrying a human label too')
    .option('--dry-run', 'count what would go, remove nothing')
    .option('--vacuum', 'then give the space back to the file system')
    .option('--json', 'print the result as JSON')
    .action((o: { dataDir: string; olderThan?: number; session?: string; [flag: string]: unknown }) => {
      pruneCommand({
        dataDir: o.dataDir,
        olderThanMs: o.olderThan,
        sessions: o.session
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        includeLabeled: Boolean(o.includeLabeled),
        dryRun: Boolean(o.dryRun),
        vacuum: Boolean(o.vacuum),
        json: Boolean(o.json),
      });
      done({ exit: 0 });
    });

  root
    .command('vacuum')
    .description('rewrite the database to give the space of removed rows back')
    .requiredOption('--data-dir <dir>', 'the data dir')
    .option('--json', 'print the sizes as JSON')
    .action((o: { dataDir: string; json?: boolean }) => {
      vacuumCommand(o.dataDir, Boolean(o.json));
      done({ exit: 0 });
    });

  root
    .command('search <query>')
    .description('find recorded calls by their text (words must all match; "quoted phrases"), newest first')
    .requiredOption('--data-dir <dir>', 'the data dir')
    .option('--session <key>', 'only this session')
    .addOption(new Option('--limit <n>', 'at most this many').argParser(count).default(20))
    .option('--json', 'print the hits as JSON')
    .action((query: string, o: { dataDir: string; session?: string; limit: number; json?: boolean }) => {
      searchCommand(o.dataDir, query, { session: o.session, limit: o.limit, json: Boolean(o.json) });
      done({ exit: 0 });
    });

  const lab = root.command('lab').description('the leak lab: scenarios that plant each kind of leak on real gateways');
  lab
    .command('list')
    .option('--json', 'print the scenario names as JSON')
    .action((opts: { json?: boolean }) => {
      labList(Boolean(opts.json));
      done({ exit: 0 });
    });
  lab
    .command('run <scenario>')
    .option('--json', 'print the verdict as JSON')
    .option('--openclaw-bin <path>', 'openclaw.mjs or an openclaw executable')
    .addOption(
      new Option('--gateway-mode <mode>', 'a gateway per session, or sessions as agents of shared gateways')
        .choices([...GATEWAY_MODES])
        .default('per-session'),
    )
    .action(async (scenario: string, opts: { json?: boolean; openclawBin?: string; gatewayMode: GatewayMode }) => {
      const run = { json: Boolean(opts.json), openclawBin: opts.openclawBin, gatewayMode: opts.gatewayMode };
      done({ exit: await labRun(scenario, run) });
    });
  return root;
}

/** Runs the CLI; resolves to an exit code, or -1 while a server keeps running. */
export async function main(argv: string[]): Promise<number> {
  guardOutput();
  let outcome: Outcome = { exit: 0 };
  try {
    await program((o) => (outcome = o)).parseAsync(argv, { from: 'user' });
    return 'exit' in outcome ? outcome.exit : -1;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; commander has already printed what it had to say
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' ? 0 : 2;
    }
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof DataDirBusyError) {
      process.stderr.write(`trajscope: ${err.message}\n`);
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
