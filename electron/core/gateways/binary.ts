// Finds the OpenClaw CLI and checks that it runs; a problem is one line a user can act on.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export interface OpenClawBinary {
  /** The command to run: node + entry for a .mjs/.js entry, else the executable itself. */
  command: string;
  args: string[];
  path: string;
  version: string | null;
  problem: string | null;
}

/** The pinned install the project's `npm ci` puts in openclaw-runtime/. */
export function defaultOpenClawPath(): string {
  return resolve(
    dirname(fileURLToPath(import.meta.url)),
    '../../../openclaw-runtime/node_modules/openclaw/openclaw.mjs',
  );
}

/**
 * The Node that runs OpenClaw: this process's own Node in the headless host; under Electron (whose
 * binary cannot run scripts with the runAsNode fuse off) the configured `openclawNode`, else `node`
 * on PATH.
 */
export function nodeForGateways(configured?: string): string {
  return process.versions.electron ? (configured ?? 'node') : process.execPath;
}

export async function detectOpenClaw(path = defaultOpenClawPath(), node?: string): Promise<OpenClawBinary> {
  const isScript = /\.(m?js|cjs)$/.test(path);
  const bin: OpenClawBinary = {
    command: isScript ? nodeForGateways(node) : path,
    args: isScript ? [path] : [],
    path,
    version: null,
    problem: null,
  };
  const hint =
    'install it with `npm ci` (which installs openclaw-runtime/) or set --openclaw-bin / TRAJSCOPE_OPENCLAW_BIN';
  if (!existsSync(path)) return { ...bin, problem: `OpenClaw not found at ${path}; ${hint}` };
  const r = await execa(bin.command, [...bin.args, '--version'], {
    reject: false,
    timeout: 20_000,
    env: { OPENCLAW_NO_AUTO_UPDATE: '1' },
  });
  const out = `${r.stdout ?? ''}`.trim();
  const m = /OpenClaw\s+(\S+)/.exec(out);
  if (r.exitCode !== 0 || !m) {
    const why = `${r.stderr ?? ''}`.trim().split('\n')[0] || (r.timedOut ? 'timed out' : `exit code ${r.exitCode}`);
    return { ...bin, problem: `OpenClaw at ${path} does not run (${why}); ${hint}` };
  }
  return { ...bin, version: m[1]! };
}
