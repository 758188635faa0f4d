import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from '../../../electron/core/store/store.ts';
import { MIGRATIONS } from '../../../electron/core/store/migrations.ts';
import { tempDir } from '../../helpers/workbench.ts';

test('migrations run once; reopening the same data dir keeps the data and the version', () => {
  const dir = tempDir();
  try {
    const a = new Store(dir.path);
    a.ensureSession('s', 'direct');
    assert.equal(a.db.schemaVersion, MIGRATIONS.at(-1)!.version);
    a.close();
    const b = new Store(dir.path);
    assert.equal(b.listSessions().length, 1);
    assert.equal(b.db.all('SELECT * FROM schema_migrations').length, MIGRATIONS.length);
    b.close();
  } finally {
    dir.remove();
  }
});

test('a failing transaction leaves nothing half-written', () => {
  const dir = tempDir();
  const s = new Store(dir.path);
  try {
    s.ensureSession('s', 'direct');
    const ep = s.insertEpisode({ sessionKey: 's', taskId: null, metadata: {}, upstreamKey: 'sk-sess-a' });
    const turn = s.insertTurn({ episodeId: ep.id, sessionKey: 's', message: 'm', historyLength: 0 });
    assert.throws(() => s.db.tx(() => {
      s.finishTurn(turn.id, { ok: true, reply: 'r', toolCalls: [], error: null });
      throw new Error('boom');
    }));
    assert.equal(s.getTurn(turn.id)!.status, 'running');
    assert.deepEqual(s.history(ep.id), []);
    assert.throws(() => s.insertEpisode({ sessionKey: 's', taskId: null, metadata: {}, upstreamKey: 'sk-sess-a' }), /UNIQUE/);
  } finally {
    s.close();
    dir.remove();
  }
});

test('recoverInterrupted fails running turns and unfinished calls, and only those', () => {
  const dir = tempDir();
  const s = new Store(dir.path);
  try {
    s.ensureSession('s', 'direct');
    const ep = s.insertEpisode({ sessionKey: 's', taskId: null, metadata: {}, upstreamKey: 'sk-sess-b' });
    const done = s.insertTurn({ episodeId: ep.id, sessionKey: 's', message: 'a', historyLength: 0 });
    s.finishTurn(done.id, { ok: true, reply: 'b', toolCalls: [], error: null });
    const running = s.insertTurn({ episodeId: ep.id, sessionKey: 's', message: 'c', historyLength: 2 });
    s.insertCall({ upstreamKey: 'sk-sess-b', sessionKey: 's', episodeId: ep.id, turnId: running.id, path: '/v1/chat/completions', headers: {}, body: Buffer.from('{}'), startedAt: 1 });
    assert.deepEqual(s.recoverInterrupted(), { turns: 1, calls: 1 });
    assert.equal(s.getTurn(done.id)!.status, 'ok');
    assert.equal(s.getTurn(running.id)!.status, 'failed');
    assert.deepEqual(s.recoverInterrupted(), { turns: 0, calls: 0 });
  } finally {
    s.close();
    dir.remove();
  }
});
