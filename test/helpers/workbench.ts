// Test helpers: a real engine on a temp data dir (always removed), and small HTTP helpers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigLayer } from '../../shared/config.ts';
import { ConfigService } from '../../electron/core/config/service.ts';
import { Workbench, type EngineExtras } from '../../electron/core/workbench.ts';
import { invokeEnvelope, type ApiHandlers } from '../../electron/core/api/handlers.ts';

export function tempDir(prefix = 'trajscope-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestBench {
  wb: Workbench;
  dir: string;
  /** JSON request to the DataProxy with the admin key. */
  proxy(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * A started engine. `config` is what a user could configure (as flags); DirectRuntime unless
 * another runtime is asked for, and OpenClaw is not even looked for unless something needs it.
 */
export async function startBench(
  config: ConfigLayer & { dataDir?: string } = {},
  extras: EngineExtras = {},
): Promise<TestBench> {
  const dir = config.dataDir ? { path: config.dataDir, remove: () => {} } : tempDir();
  const wantsOpenClaw = config.runtime === 'openclaw' || config.openclawBin !== undefined || 'runtime' in config;
  const wb = new Workbench(ConfigService.of({ runtime: 'direct', ...config, dataDir: dir.path }), {
    ...(wantsOpenClaw ? {} : { openclaw: { enabled: false } }),
    ...extras,
  });
  try {
    await wb.start();
  } catch (err) {
    dir.remove();
    throw err;
  }
  return {
    wb,
    dir: dir.path,
    proxy: (method, path, body, headers = {}) =>
      request(wb.proxyUrl + path, method, body, { authorization: `Bearer ${wb.adminKey}`, ...headers }),
    stop: async () => {
      await wb.stop();
      dir.remove();
    },
  };
}

/** The admin key as a bearer, for the recorder's AReaL routes. */
export function adminAuth(b: TestBench): Record<string, string> {
  return { authorization: `Bearer ${b.wb.adminKey}` };
}

/** A JSON request; `body` strings are sent as-is (for malformed-input tests). */
export async function request(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
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
  } catch {
    /* not JSON: the text itself */
  }
  return { status: res.status, body: parsed };
}

/** Everything a test may compare to prove a failed request changed nothing. */
export function snapshot(wb: Workbench): string {
  const s = wb.store;
  const episodes = s.episodes.list({ limit: 1000 }).items;
  return JSON.stringify({
    sessions: s.sessions.list({ limit: 1000 }).items,
    episodes,
    turns: episodes.map((e) => s.turns.list(e.id)),
    history: episodes.map((e) => s.turns.history(e.id)),
    rewards: episodes.map((e) => s.rewards.list(e.id)),
    calls: s.calls.count(),
  });
}

/** Waits until `check` holds, polling; fails with `what` after `ms` (no test sleeps to order things). */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  every = 20,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * The workbench API as the UI calls it (validation, handler, error envelope), for tests:
 * `call` answers the result or throws with the status; `fails` asserts a refusal and answers its status.
 */
export function apiCaller(api: () => ApiHandlers) {
  return {
    call: async <T>(channel: string, payload: unknown): Promise<T> => {
      const r = await invokeEnvelope(api(), channel, payload, () => {});
      if (!r.ok) throw Object.assign(new Error(r.error.message), { status: r.error.status });
      return r.result as T;
    },
    fails: async (channel: string, payload: unknown): Promise<number> => {
      const r = await invokeEnvelope(api(), channel, payload, () => {});
      assert.equal(r.ok, false, `${channel} ${JSON.stringify(payload).slice(0, 80)} should fail`);
      return r.ok ? 0 : r.error.status;
    },
  };
}
