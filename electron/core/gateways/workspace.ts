// Snapshots of a gateway's workspace (the files OpenClaw injects into every system prompt, such as
// AGENTS.md): what an episode left behind is what changed between two episode starts.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type Snapshot = Map<string, { size: number; mtimeMs: number }>;

const MAX_FILES = 2000;

export function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      if (out.size >= MAX_FILES) return;
      const p = join(d, n);
      try {
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) out.set(relative(dir, p), { size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        /* vanished meanwhile */
      }
    }
  };
  walk(dir);
  return out;
}

export interface Carried {
  path: string;
  change: 'created' | 'modified';
  preview: string;
}

/** Files created or modified since `before`, with the start of their content. */
export function changedSince(dir: string, before: Snapshot, after: Snapshot): Carried[] {
  const out: Carried[] = [];
  for (const [path, now] of after) {
    const was = before.get(path);
    if (was && was.size === now.size && was.mtimeMs === now.mtimeMs) continue;
    out.push({ path, change: was ? 'modified' : 'created', preview: head(join(dir, path), 300) });
  }
  return out;
}

function head(file: string, bytes: number): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      const n = readSync(fd, buf, 0, bytes, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
