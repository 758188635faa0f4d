// Every way a gateway start can fail leaves nothing behind: no process, no open file, no dir.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { detectOpenClaw } from '../../electron/core/gateways/binary.ts';
import { GatewaySupervisor } from '../../electron/core/gateways/supervisor.ts';
import { findInTree, processesWithEnv } from '../../electron/core/gateways/procfs.ts';
import { EngineEvents } from '../../electron/core/events.ts';
import { Store } from '../../electron/core/store/store.ts';
import { gatewayDirs, openFilesUnder, pidRecords } from '../helpers/processes.ts';
import { startBench, tempDir, until } from '../helpers/workbench.ts';
import { needsOpenClaw } from '../helpers/openclaw.ts';

const binding = { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-sess-none', model: 'm' };

test('a missing or broken OpenClaw binary: one clear line, and the workbench works on with DirectRuntime', async () => {
  const missing = await detectOpenClaw('/nowhere/openclaw.mjs');
  assert.match(
    missing.problem!,
    /^OpenClaw not found at \/nowhere\/openclaw\.mjs; install it with `npm ci`.* or set --openclaw-bin/,
  );
  assert.equal(missing.problem!.split('\n').length, 1);
  const dir = tempDir();
  try {
    const broken = join(dir.path, 'openclaw.mjs');
    writeFileSync(broken, 'throw new Error("kaput")\n');
    const b = await detectOpenClaw(broken);
    assert.match(b.problem!, /^OpenClaw at .*openclaw\.mjs does not run \(.*\); install it/);
    const bench = await startBench({ runtime: undefined, openclawBin: broken });
    try {
      assert.equal(bench.wb.defaultRuntime, 'direct');
      assert.equal(bench.wb.info().openclaw.available, false);
      const r = await bench.proxy('POST', '/session/s/turn', { message: 'still works' });
      assert.equal(r.status, 200);
    } finally {
      await bench.stop();
    }
  } finally {
    dir.remove();
  }
});

describe('GatewaySupervisor start failures leak nothing', { skip: needsOpenClaw() }, () => {
  const dir = tempDir();
  let store: Store;
  let sup: GatewaySupervisor;
  let overlay: Record<string, unknown> = {};
  let readyTimeoutMs = 120_000;
  before(async () => {
    store = new Store(dir.path);
    sup = new GatewaySupervisor({
      dataDir: dir.path,
      events: new EngineEvents(),
      store,
      binary: await detectOpenClaw(),
      overlay: () => overlay,
      get readyTimeoutMs() {
        return readyTimeoutMs;
      },
    });
  });
  after(async () => {
    await sup.stopAll();
    store.close();
    dir.remove();
  });

  function assertNothingLeft(): void {
    assert.deepEqual(gatewayDirs(dir.path), [], 'no gateway dir');
    assert.deepEqual(pidRecords(dir.path), [], 'no pid record');
    assert.deepEqual(
      // the store's own files (its database and the data dir's engine lock) stay open with it
      openFilesUnder(dir.path).filter((f) => !/\.sqlite(-wal|-shm)?$|\/engine\.lock$/.test(f)),
      [],
      'no open file',
    );
    assert.deepEqual(processesWithEnv(`OPENCLAW_STATE_DIR=${dir.path}`).length, 0);
    const leftovers = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(join(dir.path, 'gateways'));
        } catch {
          return false;
        }
      });
    assert.deepEqual(leftovers, [], 'no process');
  }

  test('bad binary', async () => {
    const bad = new GatewaySupervisor({
      dataDir: dir.path,
      events: new EngineEvents(),
      store,
      binary: { command: join(dir.path, 'no-such-openclaw'), args: [], path: 'x', version: null, problem: null },
      overlay: () => ({}),
    });
    await assert.rejects(bad.spawn(binding, null), /exited|ENOENT|spawn/);
    assertNothingLeft();
  });

  test('exit 78 on a bad config, with the reason from its log', async () => {
    overlay = { bogusKey: true };
    try {
      await assert.rejects(
        sup.spawn(binding, null),
        (err: Error) => /exit code 78/.test(err.message) && /bogusKey|Unrecognized key/i.test(err.message),
      );
    } finally {
      overlay = {};
    }
    assertNothingLeft();
  });

  test('health timeout', async () => {
    readyTimeoutMs = 1500;
    try {
      await assert.rejects(sup.spawn(binding, null), /was not ready within 2 s/);
    } finally {
      readyTimeoutMs = 120_000;
    }
    assertNothingLeft();
  });

  test('port taken', async () => {
    const blocker: Server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(sup.spawn(binding, null, { port }), /exit|EADDRINUSE|in use/i);
    } finally {
      blocker.close();
    }
    assertNothingLeft();
  });

  test('a port of ours taken after the check that found it free: the start goes on on another port', async () => {
    const events = new EngineEvents();
    const notices: string[] = [];
    events.on('notices:raised', (n) => notices.push(n.message));
    const own = new GatewaySupervisor({
      dataDir: dir.path,
      events,
      store,
      binary: await detectOpenClaw(),
      overlay: () => ({}),
    });
    const starting = own.spawn(binding, null);
    // the gateway binds its port seconds after the supervisor chose it: take it in between
    await until('the pid record of the gateway being started', () => pidRecords(dir.path).length > 0);
    const first = JSON.parse(readFileSync(join(dir.path, 'gateways', 'pids', pidRecords(dir.path)[0]!), 'utf8'));
    const blocker: Server = createServer().listen(first.port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const gw = await starting;
      assert.notEqual(gw.port, first.port);
      assert.notEqual(gw.id, first.id);
      assert.equal(gw.state, 'ready');
      assert.deepEqual(gatewayDirs(dir.path), [gw.id], 'nothing of the first attempt is left');
      assert.match(notices.join('\n'), /lost its port before it could bind it; starting on another \(2\/3\)/);
    } finally {
      blocker.close();
      await own.stopAll();
    }
    assertNothingLeft();
  });

  test('a gateway left by a crashed run is reaped at the next start', async () => {
    const starting = sup.spawn(binding, null).catch((e: Error) => e);
    await until('the pid record of the gateway being started', () => pidRecords(dir.path).length > 0);
    const record = JSON.parse(readFileSync(join(dir.path, 'gateways', 'pids', pidRecords(dir.path)[0]!), 'utf8'));
    // the launcher forks the server: the orphan to reap is a whole tree
    await until('the launcher to fork its server', () => findInTree(record.pid, 'openclaw-gateway') !== null, 30_000);
    const next = new GatewaySupervisor({
      dataDir: dir.path,
      events: new EngineEvents(),
      store,
      binary: await detectOpenClaw(),
      overlay: () => ({}),
    });
    assert.equal(next.reapOrphans(), 1);
    const outcome = await starting;
    assert.ok(outcome instanceof Error, 'the interrupted start fails');
    await sup.stopAll();
    assertNothingLeft();
  });
});
