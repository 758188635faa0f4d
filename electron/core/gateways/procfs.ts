// Process facts from /proc (Linux): a gateway's process tree, its RSS and CPU, and a tree kill
// that also catches children which left the process group. Elsewhere the facts are null.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  ticks: number;
  rssPages: number;
}

const PAGE = 4096;
const CLK_TCK = 100;

function readStat(pid: number): ProcStat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(0) ppid(1) pgrp(2) … utime(11) stime(12) … rss(21)
    return {
      pid,
      ppid: Number(rest[1]),
      pgrp: Number(rest[2]),
      ticks: Number(rest[11]) + Number(rest[12]),
      rssPages: Number(rest[21]),
    };
  } catch {
    return null;
  }
}

export function allProcesses(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const n of names) {
    if (n.charCodeAt(0) < 48 || n.charCodeAt(0) > 57) continue;
    const st = readStat(Number(n));
    if (st) out.push(st);
  }
  return out;
}

/** The pid and all its descendants (by parent links), plus anything still in its process group. */
export function processTree(root: number, procs: ProcStat[] = allProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  for (const p of procs) if (p.pgrp === root) seen.add(p.pid);
  return [...seen].filter((pid) => procs.some((p) => p.pid === pid));
}

/**
 * Every process whose environment holds `entry` (e.g. OPENCLAW_STATE_DIR=<dir>/state). Children
 * inherit it, so this finds a gateway's processes even after they were re-parented or left its
 * process group (OpenClaw's spawn broker runs in a group of its own).
 */
export function processesWithEnv(entry: string): number[] {
  const needle = Buffer.from(`\0${entry}\0`);
  const out: number[] = [];
  for (const p of allProcesses()) {
    try {
      const env = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${p.pid}/environ`), Buffer.from([0])]);
      if (env.includes(needle)) out.push(p.pid);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

/** The pid of the named process in a tree (the gateway server under its launcher). */
export function findInTree(root: number, name: string): number | null {
  for (const pid of processTree(root)) {
    try {
      // cmdline, not comm: comm is cut at 15 characters and the server renames itself via process.title
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === name) return pid;
    } catch {
      /* gone */
    }
  }
  return null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends a signal to the group and to every process of the tree; missing processes are fine. */
export function signalTree(pid: number, signal: NodeJS.Signals, tree: number[] = processTree(pid)): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* the group may be gone */
  }
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Samples RSS and CPU of process trees; CPU is the share of one core since the last sample. */
export class TreeSampler {
  private last = new Map<number, { ticks: number; at: number }>();

  sample(roots: number[]): Map<number, { rssBytes: number; cpuPercent: number | null; pids: number[] }> {
    const procs = allProcesses();
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const out = new Map<number, { rssBytes: number; cpuPercent: number | null; pids: number[] }>();
    const now = performance.now();
    for (const root of roots) {
      const pids = processTree(root, procs);
      let rss = 0;
      let ticks = 0;
      for (const pid of pids) {
        const p = byPid.get(pid)!;
        rss += p.rssPages * PAGE;
        ticks += p.ticks;
      }
      const prev = this.last.get(root);
      const cpu = prev ? ((ticks - prev.ticks) / CLK_TCK / ((now - prev.at) / 1000)) * 100 : null;
      this.last.set(root, { ticks, at: now });
      out.set(root, { rssBytes: rss, cpuPercent: cpu === null ? null : Math.max(0, cpu), pids });
    }
    for (const root of this.last.keys()) if (!roots.includes(root)) this.last.delete(root);
    return out;
  }
}
