// A gateway binds its port seconds after the check that found it free; another Trajscope process
// (a second workbench, a parallel test) could pick the same port meanwhile. A claim file per port,
// created exclusively and naming its owner pid, closes that window across processes.
// The claims live in a per-user private dir (never a predictable path another user could create
// first), every open refuses to follow symlinks, and a stale claim is removed, not written over.
import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './procfs.ts';

const uid = process.getuid?.() ?? 0;

/** Where the claims may live, best first: the user's runtime dir, their cache, a per-user temp dir. */
export function claimCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'trajscope')] : []),
    join(homedir(), '.cache', 'trajscope'),
    join(tmpdir(), `trajscope-${uid}`),
  ].map((d) => join(d, 'port-claims'));
}

/** Makes `dir` if needed and says whether it is ours alone: a real dir, owned by us, closed to others. */
function ownPrivateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const d of [join(dir, '..'), dir]) {
      const st = lstatSync(d);
      if (st.isSymbolicLink() || !st.isDirectory() || st.uid !== uid) return false;
      if ((st.mode & 0o077) !== 0) chmodSync(d, 0o700);
    }
    return true;
  } catch {
    return false;
  }
}

let chosen: string | null = null;

/** The first candidate that is ours alone (remembered for the process). */
export function claimsDir(candidates = claimCandidates()): string {
  const dir = candidates.find(ownPrivateDir);
  if (!dir) throw new Error(`no private place for port claims (tried ${candidates.join(', ')})`);
  return dir;
}

function defaultDir(): string {
  chosen ??= claimsDir();
  return chosen;
}

const NOFOLLOW = constants.O_NOFOLLOW;

function writeClaim(file: string): boolean {
  try {
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}

/** The pid a claim names; null when it is unreadable, not a plain file, or a symlink (all garbage). */
function ownerOf(file: string): number | null {
  try {
    const fd = openSync(file, constants.O_RDONLY | NOFOLLOW);
    try {
      const buf = Buffer.alloc(32);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const pid = Number(buf.subarray(0, n).toString('utf8'));
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** Claims a port for this process; false when a live process holds it. */
export function claimPort(port: number, dir = defaultDir()): boolean {
  const file = join(dir, String(port));
  if (writeClaim(file)) return true;
  const owner = ownerOf(file);
  if (owner === process.pid || (owner !== null && isAlive(owner))) return false;
  // a dead owner's claim (or garbage, a symlink included) is removed — unlink never follows links
  try {
    unlinkSync(file);
  } catch {
    return false;
  }
  return writeClaim(file);
}

export function releasePort(port: number, dir = defaultDir()): void {
  const file = join(dir, String(port));
  if (ownerOf(file) !== process.pid) return; // never claimed (an explicit port), or not ours
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
