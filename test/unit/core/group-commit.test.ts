import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { Db } from '../../../electron/core/store/db.ts';
import { EpisodesRepo } from '../../../electron/core/store/episodes-repo.ts';
import { newId } from '../../../electron/core/store/ids.ts';
import { SessionsRepo } from '../../../electron/core/store/sessions-repo.ts';
import { TurnsRepo } from '../../../electron/core/store/turns-repo.ts';
import { Store } from '../../../electron/core/store/store.ts';
import { tempDir, until } from '../../helpers/workbench.ts';

const episode = (s: Store, key: string) =>
  s.episodes.insert({ sessionKey: key, taskId: null, metadata: {}, upstreamKey: `sk-sess-${key}`, upstreamId: null });

/** Rows as plain objects (SQLite's have no prototype). */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** What another connection (another process, after a crash) sees. */
function outside(dir: string, sql: string): unknown[] {
  const db = new DatabaseSync(join(dir, 'trajscope.sqlite'), { readOnly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

test('writes of one event-loop turn commit together; durable() resolves once they are on disk', async () => {
  const dir = tempDir();
  try {
    const s = new Store(dir.path);
    s.sessions.ensure('a', 'direct');
    s.sessions.ensure('b', 'direct');
    assert.equal(s.sessions.count(), 2, 'this connection sees its writes at once');
    assert.deepEqual(outside(dir.path, 'SELECT key FROM sessions'), [], 'nobody else does before the commit');
    await s.durable();
    assert.deepEqual(
      outside(dir.path, 'SELECT key FROM sessions ORDER BY key').map((r) => (r as { key: string }).key),
      ['a', 'b'],
    );
    await s.durable(); // nothing waiting: resolves at once
    s.close();
  } finally {
    dir.remove();
  }
});

test('a failing tx() undoes only itself; the rest of its group commits', async () => {
  const dir = tempDir();
  try {
    const s = new Store(dir.path);
    s.sessions.ensure('kept', 'direct');
    assert.throws(() =>
      s.tx(() => {
        s.sessions.ensure('undone', 'direct');
        throw new Error('half way');
      }),
    );
    s.sessions.ensure('after', 'direct');
    await s.durable();
    assert.deepEqual(
      outside(dir.path, 'SELECT key FROM sessions ORDER BY key').map((r) => (r as { key: string }).key),
      ['after', 'kept'],
    );
    s.close();
  } finally {
    dir.remove();
  }
});

test('a group that cannot commit is reported to whoever waits, and cached rows of it are dropped', async () => {
  const dir = tempDir();
  try {
    const db = new Db(dir.path);
    const sessions = new SessionsRepo(db);
    const episodes = new EpisodesRepo(db);
    const turns = new TurnsRepo(db);
    sessions.ensure('s', 'direct');
    const ep = episodes.insert({
      sessionKey: 's',
      taskId: null,
      metadata: {},
      upstreamKey: 'sk-sess-x',
      upstreamId: null,
    });
    const t = turns.insert({ episodeId: ep.id, sessionKey: 's', message: 'hello', historyLength: 0 });
    turns.finish(t.id, { status: 'ok', reply: 'hi', toolCalls: [], error: null });
    await db.durable();
    assert.equal(turns.history(ep.id).length, 2); // now cached
    let lost = 0;
    db.onLost(() => lost++);

    const t2 = turns.insert({ episodeId: ep.id, sessionKey: 's', message: 'second', historyLength: 2 });
    turns.finish(t2.id, { status: 'ok', reply: 'again', toolCalls: [], error: null });
    assert.equal(turns.history(ep.id).length, 4);
    // a foreign key checked only at COMMIT makes the commit itself fail
    db.tx(() => {
      db.exec('PRAGMA defer_foreign_keys = ON');
      db.run(
        "INSERT INTO rewards (id, seq, episode_id, value, source, created_at) VALUES ('x', 1, 'nope', 0, 'api', 0)",
      );
    });
    await assert.rejects(db.durable(), /could not commit/);
    assert.equal(lost, 1);
    assert.equal(turns.get(t2.id), undefined, 'the lost turn is not there');
    assert.deepEqual(
      turns.history(ep.id).map((m) => m.content),
      ['hello', 'hi'],
      'the cached history was dropped with the lost rows',
    );
    sessions.ensure('later', 'direct');
    await db.durable(); // the next group commits as usual
    assert.ok(sessions.get('later'));
    db.close();
  } finally {
    dir.remove();
  }
});

test('the cached history always equals what is stored, through finishes, failures and prunes', async () => {
  const dir = tempDir();
  try {
    const s = new Store(dir.path);
    s.sessions.ensure('s', 'direct');
    const ep = episode(s, 's');
    const same = () => assert.deepEqual(plain(s.turns.history(ep.id)), plain(s.turns.storedHistory(ep.id)));
    same();
    for (let i = 0; i < 5; i++) {
      const t = s.turns.insert({ episodeId: ep.id, sessionKey: 's', message: `m${i}`, historyLength: i * 2 });
      s.turns.finish(t.id, { status: i === 2 ? 'failed' : 'ok', reply: `r${i}`, toolCalls: [], error: null });
      same();
    }
    assert.deepEqual(
      s.turns.history(ep.id, 3).map((m) => m.content),
      ['m0', 'r0', 'm1'],
    );
    // a finish inside a transaction that is then undone leaves no trace in the cache either
    assert.throws(() =>
      s.tx(() => {
        const t = s.turns.insert({ episodeId: ep.id, sessionKey: 's', message: 'undone', historyLength: 8 });
        s.turns.finish(t.id, { status: 'ok', reply: 'never', toolCalls: [], error: null });
        throw new Error('rolled back');
      }),
    );
    same();
    const copy = s.turns.history(ep.id);
    copy.push({ role: 'user', content: 'a caller mutating its copy' });
    same();
    s.episodes.end(ep.id);
    await s.durable();
    s.retention.prune({ sessionKeys: ['s'] });
    assert.deepEqual(s.turns.history(ep.id), []);
    same();
    s.close();
  } finally {
    dir.remove();
  }
});

test('a cached session row never outlives a change or a delete', () => {
  const dir = tempDir();
  try {
    const s = new Store(dir.path);
    s.sessions.ensure('s', 'direct');
    assert.equal(s.sessions.get('s')!.runtime, 'direct');
    s.sessions.setRuntime('s', 'openclaw');
    assert.equal(s.sessions.get('s')!.runtime, 'openclaw');
    s.sessions.markClosed('s', 5);
    assert.equal(s.sessions.get('s')!.closedAt, 5);
    s.sessions.ensure('s', 'openclaw');
    assert.equal(s.sessions.get('s')!.closedAt, null);
    s.sessions.get('s')!.runtime = 'external'; // a caller's copy
    assert.equal(s.sessions.get('s')!.runtime, 'openclaw');
    s.deleteSessions(['s']);
    assert.equal(s.sessions.get('s'), undefined);
    s.close();
  } finally {
    dir.remove();
  }
});

test("a cached open episode always matches the store's, through starts, ends, moves and deletes", () => {
  const dir = tempDir();
  try {
    const s = new Store(dir.path);
    const stored = (key: string) => outsideRows(s, key).find((e) => e.status === 'open')?.id ?? undefined;
    const same = (key: string) => assert.equal(s.episodes.openRef(key)?.id, stored(key), key);
    s.sessions.ensure('a', 'direct');
    s.sessions.ensure('b', 'direct');
    same('a'); // none, and that is cached too
    const a1 = episode(s, 'a');
    same('a');
    s.episodes.setUpstream(a1.id, null);
    assert.equal(s.episodes.openRef('a')!.upstreamId, null);
    s.episodes.end(a1.id);
    same('a');
    const b1 = episode(s, 'b');
    same('b');
    s.episodes.adopt(b1.id, 'a', { taskId: 't', metadata: {} });
    same('a');
    same('b');
    assert.equal(s.episodes.openRef('a')!.id, b1.id);
    const ref = s.episodes.openRef('a')!;
    ref.id = 'changed by a caller';
    same('a');
    s.deleteSessions(['a']);
    same('a');
    s.close();
  } finally {
    dir.remove();
  }
});

/** Every episode of a session as the store holds it (not through the cache). */
function outsideRows(s: Store, key: string) {
  return s.episodes.list({ sessionKey: key, limit: 100 }).items;
}

test('ids sort by creation time and do not repeat', () => {
  const now = Date.now();
  const a = newId('call', now - 1);
  const ids = Array.from({ length: 5000 }, () => newId('call', now));
  assert.match(a, /^call_[0-9a-z]{9}[0-9a-f]{16}$/);
  assert.ok(
    ids.every((id) => id > a),
    'later ids sort after earlier ones',
  );
  assert.equal(new Set(ids).size, ids.length);
});

test('checkpoints move off the engine thread once a connection keeps committing', async () => {
  const dir = tempDir();
  try {
    const s = new Store(dir.path);
    const file = join(dir.path, 'trajscope.sqlite');
    const size0 = statSync(file).size;
    // a few hundred small commits: far below the 1,000 WAL pages at which SQLite would checkpoint
    // on this thread, so only the checkpoint worker can bring the pages into the database file
    for (let i = 0; i < 260; i++) {
      s.sessions.ensure(`s${i}`, 'direct');
      await s.durable();
    }
    await until(
      'the checkpoint worker to copy the WAL into the database file',
      () => statSync(file).size > size0,
      5000,
    );
    s.close();
    assert.deepEqual(plain(outside(dir.path, 'SELECT COUNT(*) AS n FROM sessions')), [{ n: 260 }]);
  } finally {
    dir.remove();
  }
});
