// Files only the user may read: the data dir holds upstream keys, episode keys and every recorded
// prompt. Directories are 0700 and files 0600 whatever the umask, and modes an earlier run (or
// another tool) left wider are narrowed. A symlink where a private dir should be is refused.
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Creates `dir` (and parents) if needed and makes it 0700; refuses a symlink or a non-directory. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new Error(`${dir} is not a plain directory; refusing to keep private data there`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** Makes an existing file 0600 (a missing one is fine). */
export function privateFile(file: string): void {
  if (existsSync(file) && (lstatSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
}

/** Creates an empty file with mode 0600 if it does not exist yet, so a later open cannot widen it. */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  privateFile(file);
}

/** Narrows every file and dir under `dir` (one level of files per listed subdir; no symlinks followed). */
export function narrowTree(dir: string, subdirs: string[]): void {
  if (!existsSync(dir)) return;
  privateDir(dir);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
      if (subdirs.includes(name)) narrowTree(path, []);
    } else if ((st.mode & 0o777) !== 0o600) chmodSync(path, 0o600);
  }
}
