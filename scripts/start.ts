// `npm start`: the Electron window where the Electron binary is present; otherwise one line
// saying why, then the headless host with its UI URL.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../electron/headless/cli.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary's path, or why there is none. */
export function electronBinary(): { path: string | null; reason: string } {
  const pkg = join(root, 'node_modules/electron');
  if (!existsSync(pkg)) return { path: null, reason: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { path: null, reason: "Electron's binary could not be downloaded (its release host is unreachable from this machine)" };
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin, reason: '' } : { path: null, reason: `the Electron binary is missing at ${bin}` };
}

const electron = electronBinary();
if (!electron.path) {
  process.stderr.write(`clawbench: no Electron window: ${electron.reason}; running the headless host — open the "ui" URL below in a browser.\n`);
  const code = await main(['serve', ...process.argv.slice(2)]);
  if (code >= 0) process.exit(code);
} else {
  const { execa } = await import('execa');
  const child = execa(electron.path, [join(root, 'out/main/index.js'), ...process.argv.slice(2)], { stdio: 'inherit', reject: false });
  const result = await child;
  process.exit(result.exitCode ?? 1);
}
