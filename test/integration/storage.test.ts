// Search and retention on a real engine (DirectRuntime, the scripted model) through the workbench
// API, and from the command line on the data dir it left: what a user finds, what a prune takes
// and keeps, and the refusals — bad input changes nothing, a data dir an engine runs on is not
// pruned behind its back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLock } from '../../electron/core/store/data-dir-lock.ts';
import { after, before, describe, test } from 'node:test';
import { createApiHandlers, invokeEnvelope, type ApiHandlers } from '../../electron/core/api/handlers.ts';
import { apiCaller, startBench, tempDir, type TestBench } from '../helpers/workbench.ts';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['electron/headless/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('search and retention through the workbench API', () => {
  let b: TestBench;
  let api: ApiHandlers;
  const { call, fails } = apiCaller(() => api);
  before(async () => {
    b = await startBench();
    api = createApiHandlers(b.wb);
  });
  after(() => b.stop());

  test('a turn just sent is found by a word of its message and of its answer; a hit names its call', async () => {
    await call('turns:send', { sessionKey: 'ada', message: 'The lighthouse keeper of Quimper.' });
    const hits = await call<{ items: Array<{ callId: string; sessionKey: string; snippet: string }>; pending: number }>(
      'search:calls',
      { query: 'quimper' },
    );
    assert.equal(hits.items.length, 1, 'one call: its message and the scripted echo of it');
    const [newest] = hits.items;
    assert.equal(newest!.sessionKey, 'ada');
    assert.ok(b.wb.store.calls.get(newest!.callId));
    assert.match(newest!.snippet, /\u0001Quimper\u0002/);
    assert.equal(hits.pending, 0);
    assert.equal(
      (await call<{ items: unknown[] }>('search:calls', { query: 'quimper', sessionKey: 'bob' })).items.length,
      0,
    );
  });

  test('bad searches and prunes are refused and change nothing', async () => {
    const stats = JSON.stringify(await call('data:stats', {}));
    assert.equal(await fails('search:calls', { query: '"" * -' }), 400);
    assert.equal(await fails('search:calls', { query: 'x', cursor: 'not-a-cursor' }), 400);
    assert.equal(await fails('search:calls', { query: '' }), 400);
    assert.equal(await fails('data:prune', {}), 400);
    assert.equal(await fails('data:prune', { olderThanDays: -1 }), 400);
    assert.equal(await fails('data:prune', { sessionKeys: [] }), 400);
    assert.equal(await fails('data:prune', { olderThanDays: 1, force: true }), 400);
    assert.equal(JSON.stringify(await call('data:stats', {})), stats);
  });

  test('prune by session closes a live session and removes it; a labeled episode stays unless asked', async () => {
    await call('turns:send', { sessionKey: 'temp', message: 'throwaway words' });
    await call('turns:send', { sessionKey: 'kept', message: 'precious words' });
    const kept = b.wb.store.episodes.open('kept')!;
    await call('rewards:set', { episodeId: kept.id, value: 1 });
    const removed: string[][] = [];
    const off = b.wb.events.on('sessions:removed', (p) => removed.push(p.keys));
    const dry = await call<{ episodes: number; keptLabeled: number }>('data:prune', {
      sessionKeys: ['temp', 'kept'],
      dryRun: true,
    });
    // counted as the prune will find them (closed), but a dry run closes nothing
    assert.deepEqual([dry.episodes, dry.keptLabeled], [1, 1]);
    assert.ok(b.wb.sessions.liveKeys().includes('temp'));
    assert.equal(b.wb.store.episodes.open('temp')?.status, 'open');
    const r = await call<{ episodes: number; sessions: number; keptLabeled: number }>('data:prune', {
      sessionKeys: ['temp', 'kept'],
    });
    off();
    assert.deepEqual([r.episodes, r.sessions, r.keptLabeled], [1, 1, 1]);
    assert.deepEqual(removed, [['temp']]);
    assert.equal(b.wb.store.sessions.get('temp'), undefined);
    assert.ok(b.wb.store.episodes.get(kept.id), 'the labeled episode stays');
    assert.equal((await call<{ items: unknown[] }>('search:calls', { query: 'throwaway' })).items.length, 0);
    assert.equal((await call<{ items: unknown[] }>('search:calls', { query: 'precious' })).items.length, 1);
    const all = await call<{ episodes: number }>('data:prune', { sessionKeys: ['kept'], includeLabeled: true });
    assert.equal(all.episodes, 1);
    const space = await call<{ before: number; after: number }>('data:vacuum', {});
    assert.ok(space.after > 0 && space.after <= space.before);
  });
});

describe('trajscope search, prune and vacuum', () => {
  const dir = tempDir();
  before(async () => {
    const b = await startBench({ dataDir: dir.path });
    const api = createApiHandlers(b.wb);
    for (const [key, message] of [
      ['one', 'Tell me about amphorae.'],
      ['two', 'Tell me about astrolabes.'],
    ])
      await invokeEnvelope(api, 'turns:send', { sessionKey: key, message }, () => {});
    await b.stop();
  });
  after(() => dir.remove());

  test('search prints the hits; prune previews, removes by session, then by age; vacuum reports sizes', () => {
    const found = cli('search', 'astrolabes', '--data-dir', dir.path, '--json');
    assert.equal(found.status, 0, found.stderr);
    const hits = JSON.parse(found.stdout) as Array<{ sessionKey: string }>;
    assert.deepEqual([...new Set(hits.map((h) => h.sessionKey))], ['two']);

    const dry = cli('prune', '--data-dir', dir.path, '--session', 'one', '--dry-run', '--json');
    assert.equal(dry.status, 0, dry.stderr);
    assert.deepEqual(JSON.parse(dry.stdout), {
      episodes: 1,
      calls: 1,
      sessions: 1,
      keptLabeled: 0,
      logFiles: 0,
      dryRun: true,
      vacuum: null,
    });
    const byKey = cli('prune', '--data-dir', dir.path, '--session', 'one');
    assert.equal(byKey.status, 0, byKey.stderr);
    assert.match(byKey.stdout, /^removed 1 episodes, 1 calls, 1 sessions/);
    assert.equal(JSON.parse(cli('search', 'amphorae', '--data-dir', dir.path, '--json').stdout).length, 0);

    const byAge = cli('prune', '--data-dir', dir.path, '--older-than', '0m', '--vacuum', '--json');
    assert.equal(byAge.status, 0, byAge.stderr);
    const r = JSON.parse(byAge.stdout);
    assert.equal(r.episodes, 1);
    assert.ok(r.vacuum.after <= r.vacuum.before);
    const vac = cli('vacuum', '--data-dir', dir.path);
    assert.match(vac.stdout, /^vacuumed: [\d.]+ MB → [\d.]+ MB/);
  });

  test('refused: no criterion (exit 2), a bad age (exit 2), a data dir an engine holds (exit 2), no data', () => {
    const none = cli('prune', '--data-dir', dir.path);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /say what to prune/);
    assert.equal(cli('prune', '--data-dir', dir.path, '--older-than', '30 days').status, 2);
    // this process holds the data dir's engine lock, as a running engine does
    const lock = DataDirLock.acquire(dir.path, 'a test');
    try {
      const busy = cli('prune', '--data-dir', dir.path, '--older-than', '1d');
      assert.equal(busy.status, 2);
      assert.match(busy.stderr, new RegExp(`another engine is running on .*\\(pid ${process.pid}, a test, started`));
      assert.match(busy.stderr, /Settings → Storage/);
      assert.equal(cli('vacuum', '--data-dir', dir.path).status, 2);
    } finally {
      lock.release();
    }
    // a runtime.json left by a killed engine (the lock is free) holds nothing back
    writeFileSync(join(dir.path, 'runtime.json'), JSON.stringify({ pid: process.pid }));
    assert.equal(cli('vacuum', '--data-dir', dir.path).status, 0);
    const empty = tempDir();
    try {
      const nothing = cli('search', 'x', '--data-dir', empty.path);
      assert.equal(nothing.status, 1);
      assert.match(nothing.stderr, /no Trajscope data in/);
    } finally {
      empty.remove();
    }
  });
});
