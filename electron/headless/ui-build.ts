// First run from a checkout: the UI the host serves is built from renderer/ when out/renderer is
// missing or older than its sources, with one line saying so. A packaged install ships the built
// UI and has no sources, so nothing happens there.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

const SOURCES = ['renderer', 'shared', 'vite.renderer.config.ts'];

/** Newest modification time under the given paths (files only). */
function newest(root: string, paths: string[]): number {
  let max = 0;
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else max = Math.max(max, st.mtimeMs);
  };
  for (const p of paths) if (existsSync(join(root, p))) walk(join(root, p));
  return max;
}

/** Why the UI needs building, or null when the built one is current (or there is nothing to build from). */
export function uiBuildReason(root: string): string | null {
  if (!existsSync(join(root, 'renderer', 'index.html'))) return null; // an install: the UI ships built
  const index = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(index)) return 'out/renderer is missing';
  return newest(root, SOURCES) > statSync(index).mtimeMs ? 'out/renderer is older than its sources' : null;
}

/** Builds the renderer with Vite when needed; `say` gets the one line a user sees. */
export async function ensureUiBuilt(root: string, say: (line: string) => void): Promise<void> {
  const reason = uiBuildReason(root);
  if (!reason) return;
  say(`trajscope: building the UI (${reason})…`);
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error(`cannot build the UI: ${vite} is missing (run npm ci)`);
  const r = await execa(
    process.execPath,
    [vite, 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      reject: false,
      all: true,
    },
  );
  if (r.exitCode !== 0)
    throw new Error(`building the UI failed (exit ${r.exitCode}): ${String(r.all ?? '').slice(-2000)}`);
}
