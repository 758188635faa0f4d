// `trajscope serve` as a child process on a data dir, up when its READY line is printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface Host {
  child: ChildProcess;
  stderr(): string;
  ready: { ui: string; api: string; proxy: string; upstream: string; adminKey: string; dataDir: string };
  stop(): Promise<number | null>;
}

/** Starts `trajscope serve` on a data dir and waits for its READY line; `stderr` collects what it said. */
export async function startHost(dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Host> {
  const child = spawn(process.execPath, ['electron/headless/cli.ts', 'serve', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const ready = await new Promise<Host['ready']>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /TRAJSCOPE_READY (\{.*\})\n/.exec(out);
      if (m) resolve(JSON.parse(m[1]!));
    });
    child.once('exit', (c) => reject(new Error(`host exited ${c}: ${err}`)));
  });
  return {
    child,
    ready,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode; // gone already (killed)
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}
