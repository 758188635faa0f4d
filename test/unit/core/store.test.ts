import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { Store } from '../../../electron/core/store/store.ts';
import { MIGRATIONS } from '../../../electron/core/store/migrations.ts';
import { tempDir } from '../../helpers/workbench.ts';

const episode = (s: Store, key: string, upstreamKey: string, now?: number) =>
  s.episodes.insert({ sessionKey: key, taskId: null, metadata: {}, upstreamKey, upstreamId: null, now });

test('migrations run once; reopening the same data dir keeps the data and the version', () => {
  const dir = tempDir();
  try {
    const a = new Store(dir.path);
    a.sessions.ensure('s', 'direct');
    assert.equal(a.schemaVersion, MIGRATIONS.at(-1)!.version);
    a.close();
    const b = new Store(dir.path);
    assert.equal(b.sessions.count(), 1);
    assert.equal(b.schemaVersion, MIGRATIONS.at(-1)!.version);
    b.close();
  } finally {
    dir.remove();
  }
});

test('a data dir of schema 2 keeps its upstream overrides as connections after migrating', () => {
  const dir = tempDir();
  try {
    // a database exactly as the previous release left it: migrations 1 and 2, one override
    const db = new DatabaseSync(join(dir.path, 'trajscope.sqlite'));
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const m of MIGRATIONS.slice(0, 2)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    db.exec(`INSERT INTO sessions VALUES ('s', 'direct', 1, NULL)`);
    const override = JSON.stringify({ baseUrl: 'http://m/v1', apiKey: 'k1', model: 'big' });
    db.prepare(
      `INSERT INTO episodes (id, session_key, idx, upstream_key, upstream_override, status, started_at)
      VALUES ('ep_a', 's', 0, 'sk-sess-a', ?, 'ended', 1), ('ep_b', 's', 1, 'sk-sess-b', NULL, 'open', 2)`,
    ).run(override);
    db.close();
    const s = new Store(dir.path);
    const a = s.episodes.get('ep_a')!;
    assert.ok(a.upstreamId);
    assert.deepEqual(s.upstreams.get(a.upstreamId!), {
      id: a.upstreamId,
      baseUrl: 'http://m/v1',
      apiKey: 'k1',
      model: 'big',
      origin: 'turn',
    });
    assert.equal(s.episodes.get('ep_b')!.upstreamId, null);
    s.close();
  } finally {
    dir.remove();
  }
});

test('a failing transaction leaves nothing half-written', () => {
  const dir = tempDir();
  const s = new Store(dir.path);
  try {
    s.sessions.ensure('s', 'direct');
    const ep = episode(s, 's', 'sk-sess-a');
    const turn = s.turns.insert({ episodeId: ep.id, sessionKey: 's', message: 'm', historyLength: 0 });
    assert.throws(() =>
      s.tx(() => {
        s.turns.finish(turn.id, { status: 'ok', reply: 'r', toolCalls: [], error: null });
        throw new Error('boom');
      }),
    );
    assert.equal(s.turns.get(turn.id)!.status, 'running');
    assert.deepEqual(s.turns.history(ep.id), []);
    assert.throws(() => episode(s, 's', 'sk-sess-a'), /UNIQUE/);
  } finally {
    s.close();
    dir.remove();
  }
});

test('recoverInterrupted fails running turns and unfinished calls, and only those', () => {
  const dir = tempDir();
  const s = new Store(dir.path);
  try {
    s.sessions.ensure('s', 'direct');
    const ep = episode(s, 's', 'sk-sess-b');
    const done = s.turns.insert({ episodeId: ep.id, sessionKey: 's', message: 'a', historyLength: 0 });
    s.turns.finish(done.id, { status: 'ok', reply: 'b', toolCalls: [], error: null });
    const running = s.turns.insert({ episodeId: ep.id, sessionKey: 's', message: 'c', historyLength: 2 });
    s.calls.insert({
      upstreamKey: 'sk-sess-b',
      sessionKey: 's',
      episodeId: ep.id,
      turnId: running.id,
      path: '/v1/chat/completions',
      headers: {},
      body: Buffer.from('{}'),
      startedAt: 1,
    });
    assert.deepEqual(s.recoverInterrupted(), { turns: 1, calls: 1 });
    assert.equal(s.turns.get(done.id)!.status, 'ok');
    assert.equal(s.turns.get(running.id)!.status, 'failed');
    assert.deepEqual(s.recoverInterrupted(), { turns: 0, calls: 0 });
  } finally {
    s.close();
    dir.remove();
  }
});

test('lists are filtered and paged in SQL: every row once, in order, with a cursor that survives inserts', () => {
  const dir = tempDir();
  const s = new Store(dir.path);
  try {
    for (const k of ['a', 'b']) s.sessions.ensure(k, 'direct', k === 'a' ? 1 : 2);
    for (let i = 0; i < 25; i++) {
      const ep = episode(s, i % 2 ? 'a' : 'b', `sk-sess-p${i}`, 1000 + i);
      if (i % 3 === 0) s.episodes.end(ep.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = s.episodes.list({ sessionKey: 'a', limit: 4, cursor });
      seen.push(...page.items.map((e) => e.id));
      assert.ok(page.items.every((e) => e.sessionKey === 'a'));
      cursor = page.next ?? undefined;
      if (pages === 0) episode(s, 'a', 'sk-sess-late', 5000); // a newer row does not disturb the walk
      pages++;
    } while (cursor);
    const all = s.episodes.list({ sessionKey: 'a', limit: 1000 }).items.map((e) => e.id);
    assert.deepEqual(seen, all, 'pages concatenate to the whole list, oldest first');
    assert.equal(all.length, 13);
    assert.equal(pages, 4);
    const ended = s.episodes.list({ status: 'ended', order: 'desc', limit: 1000 }).items;
    assert.equal(ended.length, 9);
    assert.ok(
      ended.every((e, i) => i === 0 || e.startedAt <= ended[i - 1]!.startedAt),
      'newest first',
    );
    assert.deepEqual(
      s.sessions.list({ limit: 1 }).items.map((r) => r.key),
      ['b'],
      'sessions: newest first',
    );
    assert.equal(s.sessions.list({ limit: 1, cursor: s.sessions.list({ limit: 1 }).next! }).items[0]!.key, 'a');
    assert.throws(() => s.episodes.list({ cursor: 'not-a-cursor' }), /invalid cursor/);
  } finally {
    s.close();
    dir.remove();
  }
});

test('large request bodies and raw streams are stored deflated and read back byte for byte', () => {
  const dir = tempDir();
  try {
    const s = new Store(dir.path);
    s.sessions.ensure('s', 'direct');
    const ep = episode(s, 's', 'sk-sess-deflate');
    const history = Array.from({ length: 200 }, (_, i) => ({ role: 'user', content: `Ünïcödé turn ${i} ✓` }));
    const big = Buffer.from(JSON.stringify({ model: 'm', messages: history }));
    const small = Buffer.from('{"model":"m","messages":[]}');
    const raw = 'data: {"choices":[{"delta":{"content":"é"}}]}\n\n'.repeat(300) + 'data: [DONE]\n\n';
    const via = { path: '/v1/chat/completions', headers: {}, turnId: null, startedAt: Date.now() };
    const make = (body: Buffer) =>
      s.calls.insert({ ...via, upstreamKey: ep.upstreamKey, sessionKey: 's', episodeId: ep.id, body });
    const a = make(big);
    const b = make(small);
    const done = { status: 200, outcome: 'complete' as const, error: null, response: null, firstByteAt: 1, endedAt: 2 };
    s.calls.finish(a, { ...done, rawResponse: raw });
    s.calls.finish(b, { ...done, rawResponse: 'data: [DONE]\n\n' });
    const da = s.calls.detail(a.id)!;
    assert.equal(da.requestBody, big.toString('utf8'));
    assert.equal(da.requestBytes, big.length);
    assert.equal(da.rawResponse, raw);
    assert.equal(s.calls.get(a.id)!.requestBytes, big.length);
    assert.equal(s.calls.detail(b.id)!.requestBody, small.toString('utf8'));
    s.close();
    const db = new DatabaseSync(join(dir.path, 'trajscope.sqlite'));
    const rows = db
      .prepare('SELECT id, length(request_body) AS n, request_codec AS c, raw_codec AS r FROM upstream_calls')
      .all() as Array<{ id: string; n: number; c: string | null; r: string | null }>;
    db.close();
    const onDisk = new Map(rows.map((r) => [r.id, r]));
    assert.equal(onDisk.get(a.id)!.c, 'deflate');
    assert.equal(onDisk.get(a.id)!.r, 'deflate');
    assert.ok(onDisk.get(a.id)!.n < big.length / 4, `${onDisk.get(a.id)!.n} bytes on disk for ${big.length}`);
    assert.deepEqual([onDisk.get(b.id)!.c, onDisk.get(b.id)!.r], [null, null], 'small bodies stay as sent');
  } finally {
    dir.remove();
  }
});
