// Trajscope as AReaL's inference proxy, driven as AReaL's controllers and agent services call it:
// groups, set_reward, export by session_ids, drop_retry_orphans, the human-in-the-loop key; and
// importing AReaL's exports (CLI and the UI's data:import).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { createApiHandlers, invokeEnvelope } from '../../electron/core/api/handlers.ts';
import { adminAuth, request, startBench, tempDir, until, type TestBench } from '../helpers/workbench.ts';

describe("today's inference-proxy wire: groups, set_reward, export by session_ids", () => {
  let b: TestBench;
  before(async () => (b = await startBench()));
  after(() => b.stop());

  const chat = (key: string, messages: Array<{ role: string; content: string }>) =>
    new OpenAI({ apiKey: key, baseURL: b.wb.recorder.url }).chat.completions.create({
      model: 'trajscope-scripted',
      messages: messages as never,
    });

  test('a group of three sessions, each rewarded (finalized) and exported once', async () => {
    const started = await request(
      `${b.wb.recorder.origin}/rl/start_session`,
      'POST',
      { task_id: 'math-1', group_size: 3 },
      adminAuth(b),
    );
    assert.equal(started.status, 201);
    const { group_id, sessions } = started.body as {
      group_id: string;
      sessions: Array<{ session_id: string; session_api_key: string }>;
    };
    assert.equal(sessions.length, 3);
    assert.equal(started.body.session_id, sessions[0]!.session_id, 'the older single-session fields too');
    assert.equal(started.body.api_key, sessions[0]!.session_api_key);
    for (const s of sessions) assert.equal(b.wb.store.episodes.get(s.session_id)!.groupId, group_id);

    for (const [i, s] of sessions.entries()) {
      const first = await chat(s.session_api_key, [{ role: 'user', content: `question ${i}` }]);
      await chat(s.session_api_key, [
        { role: 'user', content: `question ${i}` },
        { role: 'assistant', content: first.choices[0]!.message.content ?? '' },
        { role: 'user', content: 'and then?' },
      ]);
      // /chat/completions without /v1, as AReaL's own clients call it
      const bare = await request(
        `${b.wb.recorder.origin}/chat/completions`,
        'POST',
        { model: 'x', messages: [{ role: 'user', content: 'third' }] },
        { authorization: `Bearer ${s.session_api_key}` },
      );
      assert.equal(bare.status, 200);
    }
    // turns were inferred from the conversation: a new user message starts one
    const ep0 = sessions[0]!.session_id;
    const episode = b.wb.store.episodes.get(ep0)!;
    assert.equal(b.wb.store.sessions.get(episode.sessionKey)!.runtime, 'external');
    assert.equal(b.wb.store.turns.list(ep0).length, 3);
    assert.ok(b.wb.store.turns.list(ep0).every((t) => t.inferred));

    const exportBefore = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_ids: [ep0], discount: 1, style: 'individual' },
      adminAuth(b),
    );
    assert.deepEqual(exportBefore.body, { traj: { interactions: [] } }, 'not finalized: nothing to export');

    for (const [i, s] of sessions.entries()) {
      const r = await request(
        `${b.wb.recorder.origin}/rl/set_reward`,
        'POST',
        { reward: i, model: 'policy-v1' },
        { authorization: `Bearer ${s.session_api_key}` },
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.trajectory_ready, r.body.ready_transition], [true, true]);
      assert.equal(b.wb.store.episodes.get(s.session_id)!.status, 'ended', 'set_reward finalizes');
    }
    const dup = await request(
      `${b.wb.recorder.origin}/rl/set_reward`,
      'POST',
      { reward: 2 },
      { authorization: `Bearer ${sessions[2]!.session_api_key}` },
    );
    assert.deepEqual([dup.status, dup.body.ready_transition], [200, false]);

    const ex = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_ids: sessions.map((s) => s.session_id), group_id, discount: 0.5, remove_session: true },
      adminAuth(b),
    );
    assert.equal(ex.status, 200, JSON.stringify(ex.body));
    const interactions = ex.body.traj.interactions as Array<{ request: { messages: unknown[] }; reward: number }>;
    assert.equal(interactions.length, 9);
    // the last call of session 2 got 2, the one before 2 × 0.5
    assert.deepEqual(
      interactions.slice(6).map((x) => x.reward),
      [0.5, 1, 2],
    );
    const again = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_ids: sessions.map((s) => s.session_id) },
      adminAuth(b),
    );
    assert.deepEqual(again.body, { traj: { interactions: [] } }, 'removed sessions are not exported twice');
    assert.ok(b.wb.store.episodes.get(ep0), 'removed from export, still in the workbench');
    const alerts = b.wb.store.alerts
      .list({ limit: 100 })
      .items.filter((a) => a.episodeId && ids(sessions).has(a.episodeId));
    assert.deepEqual(alerts, [], 'a correct agent raises nothing');
  });

  test('admin-key calls land in the human-in-the-loop session; calls with no key are refused', async () => {
    const body = { model: 'x', messages: [{ role: 'user', content: 'by hand' }] };
    const hitl = await request(`${b.wb.recorder.origin}/chat/completions`, 'POST', body, adminAuth(b));
    assert.equal(hitl.status, 200);
    const ep = b.wb.store.episodes.open('hitl')!;
    assert.equal(b.wb.store.calls.count({ episodeId: ep.id }), 1);
    const none = await request(`${b.wb.recorder.origin}/chat/completions`, 'POST', body);
    assert.equal(none.status, 401);
    assert.equal(b.wb.store.calls.count({ episodeId: ep.id }), 1);
    // a DataProxy reward with no open episode has nothing to attach to
    await b.proxy('POST', '/session/no-open/episode/start', {});
    await b.proxy('POST', '/session/no-open/episode/end', {});
    const reward = await b.proxy('POST', '/session/no-open/reward', { reward: 1 });
    assert.deepEqual([reward.status, reward.body.error.type], [409, 'no_open_episode']);
  });

  test('a client retry leaves an orphan: alerted, and dropped by drop_retry_orphans', async () => {
    const started = await request(
      `${b.wb.recorder.origin}/rl/start_session`,
      'POST',
      { task_id: 'retry' },
      adminAuth(b),
    );
    const key = started.body.api_key as string;
    const q = [{ role: 'user', content: 'retry me' }];
    await chat(key, q); // the answer the client timed out on
    const retried = await chat(key, q);
    await chat(key, [
      ...q,
      { role: 'assistant', content: retried.choices[0]!.message.content! },
      { role: 'user', content: 'ok' },
    ]);
    await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', { reward: 1 }, { authorization: `Bearer ${key}` });
    await until('the retry_orphan alert', () =>
      b.wb.store.alerts
        .list({ kind: 'retry_orphan', limit: 10 })
        .items.some((a) => a.episodeId === started.body.session_id),
    );
    const exported = async (drop: boolean) =>
      (
        await request(
          `${b.wb.recorder.origin}/export_trajectories`,
          'POST',
          { session_ids: [started.body.session_id], drop_retry_orphans: drop, remove_session: false },
          adminAuth(b),
        )
      ).body.traj.interactions.length;
    assert.equal(await exported(false), 3);
    assert.equal(await exported(true), 2);
  });
});

function ids(sessions: Array<{ session_id: string }>): Set<string> {
  return new Set(sessions.map((s) => s.session_id));
}

describe("importing AReaL's exports", () => {
  // AReaL's two export shapes (test/fixtures/areal-exports/README.md)
  const fixtures = join(import.meta.dirname, '../fixtures/areal-exports');
  const v2 = JSON.parse(readFileSync(join(fixtures, 'traj-rewritten.json'), 'utf8'));
  const v1 = JSON.parse(readFileSync(join(fixtures, 'interactions.json'), 'utf8'));

  test('trajscope import FILE: both shapes, read-only, rewards kept and not discounted again', async () => {
    const dir = tempDir();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['electron/headless/cli.ts', 'import', ...args], { encoding: 'utf8' });
    try {
      const data = join(dir.path, 'data');
      const results = [];
      for (const [name, doc, format] of [
        ['run-7.json', v2, 'areal-traj'],
        ['old-run.json', v1, 'areal-interactions'],
      ] as const) {
        writeFileSync(join(dir.path, name), JSON.stringify(doc));
        const out = cli(join(dir.path, name), '--data-dir', data, '--json');
        assert.equal(out.status, 0, out.stderr);
        const result = JSON.parse(out.stdout);
        assert.equal(result.format, format);
        results.push(result);
      }
      assert.deepEqual(
        results.map((r) => r.interactions),
        [2, 1],
      );
      writeFileSync(join(dir.path, 'other.json'), JSON.stringify({ rows: [] }));
      for (const bad of [join(dir.path, 'missing.json'), join(dir.path, 'other.json')]) {
        const out = cli(bad, '--data-dir', data);
        assert.equal(out.status, 2, out.stderr);
        assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
      }
      assert.match(cli(join(dir.path, 'other.json'), '--data-dir', data).stderr, /not an AReaL trajectory export/);

      const b = await startBench({ dataDir: data });
      try {
        const store = b.wb.store;
        assert.equal(store.sessions.list({ limit: 100 }).items.length, 2, 'the bad files stored nothing');
        const key = results[0].sessionKey as string;
        assert.equal(store.sessions.get(key)!.origin, 'imported');
        const [ep] = store.episodes.list({ sessionKey: key, limit: 10 }).items;
        assert.equal(store.turns.list(ep!.id).length, 2, 'a new user message starts a turn');
        const alerts = store.alerts.list({ sessionKey: key, limit: 10 }).items.map((a) => a.kind);
        assert.deepEqual(alerts, ['history_rewritten'], 'the detectors ran on the imported run');
        assert.equal(results[0].alerts, 1);
        assert.equal(results[1].alerts, 0);
        const refused = await b.proxy('POST', `/session/${encodeURIComponent(key)}/turn`, { message: 'more' });
        assert.deepEqual([refused.status, refused.body.error.type], [409, 'read_only']);
        const ex = await request(
          `${b.wb.recorder.origin}/export_trajectories`,
          'POST',
          { session_id: ep!.id, discount: 0.5 },
          adminAuth(b),
        );
        assert.equal(ex.status, 200);
        const rewards = Object.values(ex.body.interactions as Record<string, { reward: number }>).map((x) => x.reward);
        assert.deepEqual(rewards, [0.5, 1], 'as exported by AReaL, not discounted again');

        // the UI's drop zone sends the file's text on data:import
        const handlers = createApiHandlers(b.wb);
        const envelope = await invokeEnvelope(
          handlers,
          'data:import',
          { name: 'dropped.json', content: JSON.stringify(v1) },
          () => {},
        );
        assert.equal(envelope.ok, true);
        const badDrop = await invokeEnvelope(handlers, 'data:import', { name: 'x.json', content: '{"a":1}' }, () => {});
        assert.deepEqual(
          badDrop.ok ? null : [badDrop.error.status, /x\.json: not an AReaL/.test(badDrop.error.message)],
          [400, true],
        );
        assert.equal(store.sessions.list({ limit: 100 }).items.length, 3);
      } finally {
        await b.stop();
      }
    } finally {
      dir.remove();
    }
  });
});
