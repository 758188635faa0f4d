// A full disk is a clear 507 naming the data dir, never a bare 500; nothing acknowledged is lost and
// the engine recovers by itself once there is room again. The data dir lives on a small tmpfs
// mounted for this test (root only: CI runs as root, so there it always runs).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HttpError } from '../../electron/core/http/errors.ts';
import { Store } from '../../electron/core/store/store.ts';
import { startBench, tempDir } from '../helpers/workbench.ts';

const root = process.getuid?.() === 0;

test(
  'disk full: a turn answers 507 "the disk holding <data dir> is full", keeps what was acknowledged, recovers',
  { skip: !root && !process.env.CI ? 'mounting a tmpfs needs root' : false },
  async () => {
    const mount = tempDir('trajscope-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', mount.path]);
    try {
      const dataDir = join(mount.path, 'data');
      mkdirSync(dataDir);
      const b = await startBench({ dataDir });
      try {
        const ok = await b.proxy('POST', '/session/full/turn', { message: 'before the disk filled' });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        const before = (await b.proxy('GET', '/session/full/history')).body.history as Array<{ content: string }>;
        // fill what is left of the disk
        const filler = join(mount.path, 'filler');
        const fd = openSync(filler, 'w');
        const block = Buffer.alloc(64 * 1024, 1);
        try {
          for (;;) writeSync(fd, block);
        } catch (err) {
          assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
        } finally {
          closeSync(fd);
        }
        let refused = null;
        for (let i = 0; i < 5 && !refused; i++) {
          const r = await b.proxy('POST', '/session/full/turn', { message: `while full ${i} ${'x'.repeat(20_000)}` });
          if (r.status !== 200) refused = r;
        }
        assert.ok(refused, 'a turn was refused while the disk was full');
        assert.equal(refused.status, 507, JSON.stringify(refused.body));
        assert.equal(refused.body.error.type, 'storage_full');
        assert.match(refused.body.error.message, new RegExp(`the disk holding ${dataDir} is full`));
        // a read while the disk is full answers the history, or 507 when a write before it could not be
        // saved (it never answers what may not be on disk); either way what was acknowledged stays
        const during = await b.proxy('GET', '/session/full/history');
        assert.ok(during.status === 200 || during.status === 507, JSON.stringify(during.body));
        if (during.status === 507) assert.equal(during.body.error.type, 'storage_full');
        const acknowledged = during.status === 200 ? during.body.history : before;
        rmSync(filler);
        const after = await b.proxy('POST', '/session/full/turn', { message: 'after space came back' });
        assert.equal(after.status, 200, JSON.stringify(after.body));
        const history = (await b.proxy('GET', '/session/full/history')).body.history as Array<{ content: string }>;
        assert.deepEqual(history.slice(0, acknowledged.length), acknowledged, 'nothing acknowledged was lost');
        assert.ok(history.some((m) => m.content === 'before the disk filled'));
        assert.equal(history.at(-2)!.content, 'after space came back');
      } finally {
        await b.wb.stop();
      }
    } finally {
      execFileSync('umount', ['-l', mount.path]);
      mount.remove();
    }
  },
);
test('a damaged database is found at open: one line naming the file and what to do, nothing started', async () => {
  const dir = tempDir();
  try {
    const b = await startBench({ dataDir: dir.path });
    for (let i = 0; i < 30; i++)
      await b.proxy('POST', `/session/s${i}/turn`, { message: `turn ${i} ${'y'.repeat(3000)}` });
    await b.wb.stop();
    const file = join(dir.path, 'trajscope.sqlite');
    const fd = openSync(file, 'r+');
    // garbage over the heads of a few b-tree pages
    for (const page of [2, 3, 4, 5]) writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, 4096 * page);
    closeSync(fd);
    const r = spawnSync(
      process.execPath,
      ['electron/headless/cli.ts', 'serve', '--data-dir', dir.path, '--runtime', 'direct', '--no-ui'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`the database ${file} is damaged \\(.+\\): restore it from a backup`));
    assert.doesNotMatch(r.stdout, /TRAJSCOPE_READY/);
    // not a database at all
    writeFileSync(file, 'this is not sqlite'.repeat(400));
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const junk = spawnSync(
      process.execPath,
      ['electron/headless/cli.ts', 'serve', '--data-dir', dir.path, '--runtime', 'direct', '--no-ui'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(junk.status, 1);
    assert.match(junk.stderr, /is damaged \(.*not a database.*\)/);
  } finally {
    dir.remove();
  }
});

test('a large database is checked on a worker as the engine runs: damage found refuses every write', async () => {
  const dir = tempDir();
  try {
    const b = await startBench({ dataDir: dir.path });
    for (let i = 0; i < 30; i++)
      await b.proxy('POST', `/session/s${i}/turn`, { message: `turn ${i} ${'y'.repeat(3000)}` });
    await b.wb.stop();
    const file = join(dir.path, 'trajscope.sqlite');
    const fd = openSync(file, 'r+');
    for (const page of [2, 3, 4, 5]) writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, 4096 * page);
    closeSync(fd);
    const store = new Store(dir.path, { integrity: 'background' }); // as a file over 256 MiB would be
    try {
      const found = await new Promise<Error>((resolve) => store.onDamaged(resolve));
      assert.match(found.message, new RegExp(`the database ${file} is damaged`));
      assert.throws(
        () => store.sessions.ensure('new', 'direct', Date.now()),
        (err: HttpError) => err.status === 500 && err.type === 'storage_damaged' && /is damaged/.test(err.message),
      );
    } finally {
      store.close();
    }
  } finally {
    dir.remove();
  }
});
