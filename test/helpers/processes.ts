// Process checks for gateway tests: every pid of a tree must be gone after a stop.
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, processTree } from '../../electron/core/gateways/procfs.ts';

export function treeOf(pid: number): number[] {
  return processTree(pid);
}

export function alive(pids: number[]): number[] {
  return pids.filter((p) => isAlive(p) && !isZombie(p));
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Gateway dirs left under a data dir (pids/ and the shared compile cache are not gateways). */
export function gatewayDirs(dataDir: string): string[] {
  const dir = join(dataDir, 'gateways');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.startsWith('gw-'));
}

export function pidRecords(dataDir: string): string[] {
  const dir = join(dataDir, 'gateways', 'pids');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** File descriptors of this process that point into `dir`. */
export function openFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}
