// One engine per data dir: a live `trajscope serve` holds its data dir's lock; every other entry
// point that writes (a second serve, replay, import, prune, vacuum) is refused at once with exit 2
// and a message naming the live engine, and changes nothing; export and search keep reading.
// The data-loss sequence of the past (second serve, its stop, prune) leaves the live episode whole.
// A killed holder leaves no stale lock.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataDirBusyError, DataDirLock, readRecord } from '../../electron/core/store/data-dir-lock.ts';
import { Store } from '../../electron/core/store/store.ts';
import { startHost, type Host } from '../helpers/host.ts';
import { ConfigService } from '../../electron/core/config/service.ts';
import { Workbench } from '../../electron/core/workbench.ts';
import { request, startBench, tempDir } from '../helpers/workbench.ts';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['electron/headless/cli.ts', ...args], { encoding: 'utf8', timeout: 90_000 });

describe('one engine per data dir', () => {
  const dir = tempDir();
  let host: Host;
  let episodeId: string;
  const proxy = (path: string, body: unknown) =>
    request(host.ready.proxy + path, 'POST', body, { authorization: `Bearer ${host.ready.adminKey}` });

  /** What the live engine has recorded, read through a second (read-only) connection. */
  const snapshot = () => {
    const s = new Store(dir.path, { readOnly: true });
    try {
      const turns = s.turns.list(episodeId).map((t) => `${t.id}:${t.status}`);
      return { episode: s.episodes.get(episodeId), turns, calls: s.calls.count({ episodeId }) };
    } finally {
      s.close();
    }
  };

  before(async () => {
    host = await startHost(dir.path, ['--runtime', 'direct']);
    const start = await proxy('/session/live/episode/start', { task_id: 't' });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    for (const message of ['one', 'two', 'three']) {
      const r = await proxy('/session/live/turn', { message });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    episodeId = start.body.episode_id ?? start.body.episodeId;
    assert.ok(episodeId, JSON.stringify(start.body));
  });
  after(async () => {
    await host.stop();
    dir.remove();
  });

  test('a second serve is refused at once (exit 2) naming the live one, and changes nothing', () => {
    const before = snapshot();
    const record = readFileSync(join(dir.path, 'runtime.json'), 'utf8');
    const second = cli('serve', '--data-dir', dir.path, '--runtime', 'direct');
    assert.equal(second.status, 2, second.stderr);
    const ui = host.ready.ui.replace(/\?token=.*$/, '');
    assert.match(second.stderr, new RegExp(`pid ${host.child.pid}, trajscope serve, started .* UI ${ui}`));
    assert.ok(!second.stderr.includes(new URL(host.ready.ui).searchParams.get('token')!), 'no UI token shown');
    assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
    assert.doesNotMatch(second.stdout, /TRAJSCOPE_READY/);
    assert.deepEqual(snapshot(), before, 'no turn marked failed, no call touched');
    assert.equal(readFileSync(join(dir.path, 'runtime.json'), 'utf8'), record, 'runtime.json is the live one');
  });

  test('replay, import, prune and vacuum are refused the same way; nothing is written', () => {
    const before = snapshot();
    const elsewhere = tempDir();
    const file = join(elsewhere.path, 'run.jsonl');
    writeFileSync(file, '');
    const refused = [
      cli('replay', '--data-dir', dir.path, '--episode', episodeId),
      cli('import', file, '--data-dir', dir.path),
      cli('prune', '--data-dir', dir.path, '--older-than', '0m'),
      cli('vacuum', '--data-dir', dir.path),
    ];
    elsewhere.remove();
    for (const r of refused) {
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`another engine is running on .* \\(pid ${host.child.pid}, trajscope serve`));
    }
    assert.deepEqual(snapshot(), before);
  });

  test('export and search keep reading beside the live engine', () => {
    const exported = cli('export', '--data-dir', dir.path, '--unlabeled', 'null');
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(exported.stdout.trim().split('\n').length, 3);
    const found = cli('search', 'three', '--data-dir', dir.path, '--json');
    assert.equal(found.status, 0, found.stderr);
    assert.ok(Array.isArray(JSON.parse(found.stdout)));
  });

  test('the old data-loss sequence: a refused second serve, then prune; the live episode stays whole', async () => {
    cli('serve', '--data-dir', dir.path, '--runtime', 'direct'); // refused, as above; it removes nothing
    assert.equal(readRecord(dir.path)?.pid, host.child.pid, 'runtime.json survives the refused engine');
    assert.equal(cli('prune', '--data-dir', dir.path, '--older-than', '0m').status, 2);
    const r = await proxy('/session/live/turn', { message: 'four' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const now = snapshot();
    assert.equal(now.episode?.endedAt, null);
    assert.equal(now.turns.length, 4);
    assert.ok(
      now.turns.every((t) => t.endsWith(':ok')),
      now.turns.join(),
    );
  });

  test('the holder killed with SIGKILL leaves no stale lock: the next engine starts and takes over', async () => {
    host.child.kill('SIGKILL');
    await once(host.child, 'exit');
    assert.equal(readRecord(dir.path)?.pid, host.child.pid, 'the dead engine left its runtime.json');
    assert.equal(DataDirLock.check(dir.path), null, 'the kernel let the lock go');
    host = await startHost(dir.path, ['--runtime', 'direct']);
    assert.equal(readRecord(dir.path)?.pid, host.child.pid);
    const pid = host.child.pid;
    assert.equal(await host.stop(), 0);
    assert.equal(readRecord(dir.path), null, `runtime.json removed by its writer (${pid})`);
  });
});

describe('the data dir lock', () => {
  test('one holder at a time, in this process too; released on close; runtime.json written safely', () => {
    const dir = tempDir();
    try {
      const a = new Store(dir.path, { startedBy: 'first' });
      assert.throws(
        () => new Store(dir.path, { startedBy: 'second' }),
        (err: unknown) => err instanceof DataDirBusyError && err.holder?.startedBy === 'first',
      );
      assert.ok(DataDirLock.check(dir.path) instanceof DataDirBusyError);
      assert.equal(statSync(join(dir.path, 'runtime.json')).mode & 0o777, 0o600);
      a.close();
      assert.equal(DataDirLock.check(dir.path), null);
      new Store(dir.path).close();
    } finally {
      dir.remove();
    }
  });

  test('a planted runtime.json symlink is replaced, never followed; a foreign runtime.json stays', async () => {
    const dir = tempDir();
    const { symlinkSync, lstatSync, existsSync } = await import('node:fs');
    try {
      const target = join(dir.path, 'victim.txt');
      writeFileSync(target, 'untouched');
      symlinkSync(target, join(dir.path, 'runtime.json'));
      const lock = DataDirLock.acquire(dir.path, 'test');
      assert.equal(readFileSync(target, 'utf8'), 'untouched');
      assert.ok(!lstatSync(join(dir.path, 'runtime.json')).isSymbolicLink());
      // another writer's record (never ours to delete) stays
      writeFileSync(join(dir.path, 'runtime.json'), JSON.stringify({ pid: 1, startedBy: 'x' }));
      lock.release();
      assert.ok(existsSync(join(dir.path, 'runtime.json')));
    } finally {
      dir.remove();
    }
  });
});

test("an engine recording into another's store (a lab run) takes no lock, rewrites no runtime.json", async () => {
  const main = await startBench();
  try {
    const before = readRecord(main.dir)!;
    assert.equal(before.proxy, main.wb.proxyUrl);
    const lab = new Workbench(ConfigService.of({ dataDir: join(main.dir, 'lab', 'x'), runtime: 'direct' }), {
      openclaw: { enabled: false },
      shared: { store: main.wb.store, events: main.wb.events, origin: 'lab' },
    });
    await lab.start();
    try {
      assert.notEqual(lab.proxyUrl, main.wb.proxyUrl);
      assert.deepEqual(readRecord(main.dir), before, "runtime.json still names the workbench's own engine");
    } finally {
      await lab.stop();
    }
    assert.deepEqual(readRecord(main.dir), before);
    assert.ok(DataDirLock.check(main.dir), 'the workbench still holds its data dir');
  } finally {
    await main.stop();
  }
});
