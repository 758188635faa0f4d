// Search over recorded text and retention, on a real SQLite store: what is indexed (what a call
// added, not the history it replayed), when (a call in flight holds the line), what a prune removes
// and keeps, and that a dry run changes nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ftsQuery, MARK_END, MARK_START } from '../../../electron/core/store/search-repo.ts';
import { Store } from '../../../electron/core/store/store.ts';
import type { UpstreamCall } from '../../../shared/domain.ts';
import { sampleBody } from '../../helpers/samples.ts';
import { tempDir } from '../../helpers/workbench.ts';

const DAY = 86_400_000;

function withStore(fn: (s: Store, dir: string) => void): void {
  const dir = tempDir();
  const s = new Store(dir.path);
  try {
    fn(s, dir.path);
  } finally {
    s.close();
    dir.remove();
  }
}

function episode(s: Store, sessionKey: string, startedAt = Date.now()) {
  s.sessions.ensure(sessionKey, 'direct', startedAt);
  return s.episodes.insert({
    sessionKey,
    taskId: null,
    metadata: {},
    upstreamKey: `sk-sess-${Math.random().toString(36).slice(2)}`,
    upstreamId: null,
    now: startedAt,
  });
}

function call(
  s: Store,
  ep: { id: string; sessionKey: string; upstreamKey: string },
  messages: unknown[],
  reply?: string,
) {
  const c = s.calls.insert({
    upstreamKey: ep.upstreamKey,
    sessionKey: ep.sessionKey,
    episodeId: ep.id,
    turnId: null,
    path: '/v1/chat/completions',
    headers: {},
    body: Buffer.from(JSON.stringify({ model: 'm', messages })),
    startedAt: Date.now(),
  });
  if (reply !== undefined) finish(s, c, reply);
  return c;
}

function finish(s: Store, c: UpstreamCall, reply: string) {
  s.calls.finish(c, {
    status: 200,
    outcome: 'complete',
    error: null,
    response: { text: reply, toolCalls: [{ id: 't', name: 'get_weather', arguments: '{"city":"Quimper"}' }] },
    rawResponse: null,
    firstByteAt: Date.now(),
    endedAt: Date.now(),
  });
}

const ids = (hits: Array<{ callId: string }>) => hits.map((h) => h.callId);

test('search finds what each call added and answered, not the history it replayed; newest first', () => {
  withStore((s) => {
    const ep = episode(s, 'ada');
    const sys = { role: 'system', content: 'You are the Harbourmaster assistant.' };
    const first = call(s, ep, [sys, { role: 'user', content: 'Tell me about lighthouse keepers.' }], 'zorblax lamps');
    const second = call(
      s,
      ep,
      [
        sys,
        { role: 'user', content: 'Tell me about lighthouse keepers.' },
        { role: 'assistant', content: 'zorblax lamps' },
        { role: 'user', content: [{ type: 'text', text: 'And the tides?' }] },
      ],
      'Spring tides.',
    );
    assert.equal(s.search.pending(), 2);
    s.search.indexBatch();
    assert.equal(s.search.pending(), 0);
    assert.deepEqual(ids(s.search.search({ query: 'zorblax' }).items), [first.id]);
    assert.deepEqual(ids(s.search.search({ query: 'tides' }).items), [second.id]);
    // the system prompt is indexed once per episode (its first call); tool calls are text too
    assert.deepEqual(ids(s.search.search({ query: 'harbourmaster' }).items), [first.id]);
    assert.deepEqual(ids(s.search.search({ query: 'quimper' }).items), [second.id, first.id]);
    // the last word is a prefix (typing), a quoted phrase is exact
    assert.deepEqual(ids(s.search.search({ query: 'lighth' }).items), [first.id]);
    assert.deepEqual(ids(s.search.search({ query: '"keepers lighthouse"' }).items), []);
    const hit = s.search.search({ query: 'zorblax' }).items[0]!;
    assert.ok(hit.snippet.includes(`${MARK_START}zorblax${MARK_END}`), hit.snippet);
    assert.equal(hit.sessionKey, 'ada');
    assert.equal(hit.episodeId, ep.id);
    // pages of one, by cursor
    const p1 = s.search.search({ query: 'quimper', limit: 1 });
    assert.deepEqual(ids(p1.items), [second.id]);
    assert.deepEqual(ids(s.search.search({ query: 'quimper', limit: 1, cursor: p1.next! }).items), [first.id]);
    assert.deepEqual(ids(s.search.search({ query: 'quimper', sessionKey: 'other' }).items), []);
  });
});

test('leaked text is found in the episode it leaked into: carried history, and a real OpenClaw flattened block', () => {
  withStore((s) => {
    const before = episode(s, 'ada');
    call(s, before, [{ role: 'user', content: 'My locker code is quokka-7781.' }], 'Noted.');
    const after = episode(s, 'ada');
    // the next episode's first call still carries the first episode's conversation
    const leaked = call(
      s,
      after,
      [
        { role: 'user', content: 'My locker code is quokka-7781.' },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: 'What is the weather?' },
      ],
      'Sunny.',
    );
    // a real OpenClaw request: its own transcript of the conversation, flattened into a user message
    const openclaw = episode(s, 'claw');
    const sample = sampleBody('double-feed-stable-key') as { messages: unknown[] };
    const flattened = call(s, openclaw, sample.messages, 'ok');
    s.search.indexBatch();
    const hits = s.search.search({ query: 'quokka' }).items;
    assert.deepEqual(
      hits.map((h) => h.episodeId),
      [after.id, before.id],
    );
    assert.equal(hits[0]!.callId, leaked.id);
    assert.ok(ids(s.search.search({ query: '"Chat messages since your last reply"' }).items).includes(flattened.id));
  });
});

test("FTS5's operators in a query are plain words; a query with no word is refused", () => {
  assert.equal(ftsQuery('NOT zorblax OR -x*'), '"NOT" "zorblax" "OR" "-x*"');
  assert.equal(ftsQuery('zorblax lig'), '"zorblax" "lig"*');
  assert.equal(ftsQuery('say "he said ""hi"""'), '"say" "he said" "hi"');
  assert.throws(() => ftsQuery('  "" * - '), /at least one word/);
  withStore((s) => {
    const ep = episode(s, 'ada');
    call(s, ep, [{ role: 'user', content: 'NOT a AND b' }], 'ok');
    s.search.indexBatch();
    assert.equal(s.search.search({ query: 'NOT AND' }).items.length, 1);
  });
});

test('a call in flight holds the index back until it ends; nothing after it is skipped', () => {
  withStore((s) => {
    const ep = episode(s, 'ada');
    const running = call(s, ep, [{ role: 'user', content: 'slow quasar question' }]);
    call(s, ep, [{ role: 'user', content: 'fast pulsar question' }], 'ok');
    assert.equal(s.search.indexBatch(), 0);
    assert.equal(s.search.pending(), 2);
    assert.equal(s.search.search({ query: 'pulsar' }).items.length, 0);
    finish(s, running, 'answer');
    assert.equal(s.search.indexBatch(), 2);
    assert.equal(s.search.search({ query: 'pulsar' }).items.length, 1);
    assert.equal(s.search.search({ query: 'quasar' }).items.length, 1);
    // one stuck for ten minutes is indexed as it stands
    const stuck = call(s, ep, [{ role: 'user', content: 'stuck nebula' }]);
    assert.equal(s.search.indexBatch(500, stuck.startedAt + 11 * 60_000), 1);
    assert.equal(s.search.search({ query: 'nebula' }).items.length, 1);
  });
});

test('prune by age removes old episodes with their calls and index rows, keeps labeled ones; dry run first', () => {
  withStore((s, dir) => {
    const old = Date.now() - 40 * DAY;
    const oldEp = episode(s, 'old', old);
    call(s, oldEp, [{ role: 'user', content: 'ancient amphora' }], 'ok');
    s.episodes.end(oldEp.id, old + 1000);
    const labeled = episode(s, 'labeled', old);
    call(s, labeled, [{ role: 'user', content: 'labeled amphora' }], 'ok');
    s.episodes.end(labeled.id, old + 1000);
    s.rewards.insert({ episodeId: labeled.id, value: 1, source: 'human' });
    const fresh = episode(s, 'fresh');
    call(s, fresh, [{ role: 'user', content: 'fresh amphora' }], 'ok');
    s.search.indexBatch();
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'gw-gone.log'), 'old lines\n');

    const before = s.retention.stats();
    const dry = s.retention.prune({ before: Date.now() - 30 * DAY, dryRun: true });
    assert.deepEqual(
      { ...dry, touched: undefined },
      { episodes: 1, calls: 1, sessions: 1, keptLabeled: 1, logFiles: 0, dryRun: true, touched: undefined },
    );
    assert.deepEqual({ ...s.retention.stats(), bytes: 0 }, { ...before, bytes: 0 }, 'a dry run changes nothing');
    assert.ok(existsSync(join(dir, 'logs', 'gw-gone.log')));

    const done = s.retention.prune({ before: Date.now() - 30 * DAY });
    assert.equal(done.episodes, 1);
    assert.equal(done.logFiles, 1);
    assert.deepEqual(done.touched, ['old']);
    assert.equal(s.episodes.get(oldEp.id), undefined);
    assert.equal(s.sessions.get('old'), undefined);
    assert.ok(s.episodes.get(labeled.id), 'the labeled episode stays');
    assert.ok(!existsSync(join(dir, 'logs', 'gw-gone.log')), 'a log file nothing indexes is gone');
    assert.deepEqual(
      s.search.search({ query: 'amphora' }).items.map((h) => h.sessionKey),
      ['fresh', 'labeled'],
    );
    assert.equal(s.retention.prune({ before: Date.now() - 30 * DAY, includeLabeled: true }).episodes, 1);
    assert.equal(s.sessions.get('labeled'), undefined);
  });
});

test("prune by session keeps a live session's open episode and the session; vacuum gives space back", () => {
  withStore((s) => {
    const ended = episode(s, 'live');
    for (let i = 0; i < 200; i++) call(s, ended, [{ role: 'user', content: `filler ${i} ${'x'.repeat(4000)}` }], 'ok');
    s.episodes.end(ended.id);
    const open = episode(s, 'live');
    call(s, open, [{ role: 'user', content: 'still going' }], 'ok');
    s.commit(); // as the engine's event loop would have by now: the rows are on disk
    const r = s.retention.prune({ sessionKeys: ['live'], live: new Set(['live']) });
    assert.equal(r.episodes, 1);
    assert.equal(r.calls, 200);
    assert.equal(r.sessions, 0);
    assert.ok(s.episodes.get(open.id));
    assert.ok(s.sessions.get('live'));
    const space = s.retention.vacuum();
    assert.ok(space.after < space.before / 2, `${space.before} → ${space.after}`);
    // not live any more (the engine closed it): the rest goes, the session with it
    assert.equal(s.retention.prune({ sessionKeys: ['live'] }).sessions, 1);
    assert.equal(s.sessions.get('live'), undefined);
  });
});
