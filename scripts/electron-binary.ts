// Where the Electron binary is, or why there is none (its download host may be unreachable).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function electronBinary(): { path: string | null; reason: string } {
  const pkg = join(ROOT, 'node_modules/electron');
  if (!existsSync(pkg)) return { path: null, reason: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile))
    return {
      path: null,
      reason: "Electron's binary could not be downloaded (its release host is unreachable from this machine)",
    };
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin)
    ? { path: bin, reason: '' }
    : { path: null, reason: `the Electron binary is missing at ${bin}` };
}
