// Test helpers: a real engine on a temp data dir (always removed), and small HTTP helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workbench, type WorkbenchOptions } from '../../electron/core/workbench.ts';

export function tempDir(prefix = 'trajscope-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestBench {
  wb: Workbench;
  dir: string;
  /** JSON request to the DataProxy with the admin key. */
  proxy(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startBench(opts: Partial<WorkbenchOptions> = {}): Promise<TestBench> {
  const dir = opts.dataDir ? { path: opts.dataDir, remove: () => {} } : tempDir();
  const wb = new Workbench({ runtime: 'direct', openclaw: { enabled: false }, ...opts, dataDir: dir.path });
  try {
    await wb.start();
  } catch (err) {
    dir.remove();
    throw err;
  }
  return {
    wb,
    dir: dir.path,
    proxy: (method, path, body, headers = {}) => request(wb.proxyUrl + path, method, body, { authorization: `Bearer ${wb.adminKey}`, ...headers }),
    stop: async () => {
      await wb.stop();
      dir.remove();
    },
  };
}

/** A JSON request; `body` strings are sent as-is (for malformed-input tests). */
export async function request(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/** Everything a test may compare to prove a failed request changed nothing. */
export function snapshot(wb: Workbench): string {
  const s = wb.store;
  const episodes = s.listEpisodes();
  return JSON.stringify({
    sessions: s.listSessions(),
    episodes,
    turns: episodes.map((e) => s.listTurns(e.id)),
    history: episodes.map((e) => s.history(e.id)),
    rewards: episodes.map((e) => s.listRewards(e.id)),
    calls: s.listCalls({}).length,
  });
}
