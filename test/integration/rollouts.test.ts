// Forks, replays, groups and lab data on a real engine (DirectRuntime and the scripted model, plus a
// stand-in remote model server): the originals stay byte-identical, the new records are linked to
// them, bad input changes nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { createApiHandlers, invokeEnvelope, type ApiHandlers } from '../../electron/core/api/handlers.ts';
import { exportLines } from '../../electron/core/export/jsonl.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { apiCaller, snapshot, startBench, until, type TestBench } from '../helpers/workbench.ts';

describe('forks, replays and groups', () => {
  let b: TestBench;
  let api: ApiHandlers;
  let fake: FakeUpstream;
  let remote: string;
  const { call, fails } = apiCaller(() => api);
  before(async () => {
    fake = await startFakeUpstream({ key: 'sk-remote-1' });
    b = await startBench();
    api = createApiHandlers(b.wb);
    remote = b.wb.upstreams.intern({
      baseUrl: `${fake.url}/v1`,
      apiKey: 'sk-remote-1',
      model: 'fake-model',
      origin: 'config',
    });
  });
  after(async () => {
    await b.stop();
    await fake.stop();
  });

  const episodeWith = async (key: string, messages: string[]) => {
    for (const message of messages) await call('turns:send', { sessionKey: key, message });
    const ep = b.wb.store.episodes.open(key)!;
    await call('episodes:end', { sessionKey: key });
    return ep.id;
  };

  test('calls:fork re-sends a call as recorded, edited, or as typed; the original never changes', async () => {
    const episodeId = await episodeWith('fork-src', ['My name is Ada.']);
    const [original] = b.wb.store.calls.list({ episodeId });
    const before = JSON.stringify(b.wb.store.calls.detail(original!.id));
    const exportBefore = [...exportLines(b.wb.store, { episodes: [episodeId] })];

    const same = await call<{ id: string; forkOf: string; forkUpstream: string }>('calls:fork', {
      callId: original!.id,
    });
    assert.equal(same.forkOf, original!.id);
    assert.equal(same.forkUpstream, 'scripted');
    const sameDetail = b.wb.store.calls.detail(same.id)!;
    assert.equal(sameDetail.requestBody, b.wb.store.calls.detail(original!.id)!.requestBody, 'byte for byte');
    assert.equal(sameDetail.outcome, 'complete');
    assert.equal(sameDetail.turnId, null);

    const body = JSON.parse(sameDetail.requestBody);
    body.messages.at(-1).content = 'My name is Grace.';
    const edited = await call<{ id: string }>('calls:fork', { callId: original!.id, request: body });
    assert.match(b.wb.store.calls.detail(edited.id)!.response!.text, /You said: "My name is Grace\."/);

    const typed = '{ "model" :"x",  "messages":[{"role":"user","content":"typed"}] }';
    const raw = await call<{ id: string }>('calls:fork', { callId: original!.id, request: typed });
    assert.equal(b.wb.store.calls.detail(raw.id)!.requestBody, typed, 'raw JSON is sent as typed');

    // another connection is asked for its own model (the recorded one would not exist there)
    const elsewhere = await call<{ id: string }>('calls:fork', { callId: original!.id, upstream: remote });
    const sent = fake.requests.at(-1)!;
    assert.equal(sent.headers.authorization, 'Bearer sk-remote-1');
    assert.equal(JSON.parse(sent.body).model, 'fake-model');
    assert.equal(b.wb.store.calls.detail(elsewhere.id)!.forkUpstream, remote);

    const forks = await call<Array<{ id: string }>>('calls:forks', { callId: original!.id });
    assert.deepEqual(
      forks.map((f) => f.id),
      [same.id, edited.id, raw.id, elsewhere.id],
    );
    assert.equal(JSON.stringify(b.wb.store.calls.detail(original!.id)), before, 'the original is untouched');
    assert.equal(b.wb.store.episodes.get(episodeId)!.callCount, 1, 'forks are not the episode’s calls');
    assert.deepEqual([...exportLines(b.wb.store, { episodes: [episodeId] })], exportBefore, 'nor training data');
  });

  test('calls:fork refuses bad input with its status and records nothing', async () => {
    const episodeId = await episodeWith('fork-bad', ['hello']);
    const [original] = b.wb.store.calls.list({ episodeId });
    const id = original!.id;
    const cases: Array<[unknown, number]> = [
      [{ callId: 'call_nope' }, 404],
      [{ callId: id, request: '{not json' }, 400],
      [{ callId: id, request: { model: 'm' } }, 400],
      [{ callId: id, request: '[1,2]' }, 400],
      [{ callId: id, request: [1, 2] }, 400],
      [{ callId: id, upstream: 'up_nope' }, 404],
      [{ callId: id, extra: true }, 400],
    ];
    const state = snapshot(b.wb);
    for (const [payload, status] of cases)
      assert.equal(await fails('calls:fork', payload), status, JSON.stringify(payload));
    assert.deepEqual(await call('calls:forks', { callId: id }), []);
    assert.equal(snapshot(b.wb), state);
  });

  test('upstreams:list names every connection and never its key', async () => {
    const list = await call<Array<{ id: string; model: string }>>('upstreams:list', {});
    assert.equal(list[0]!.id, 'scripted');
    assert.ok(list.some((u) => u.id === remote && u.model === 'fake-model'));
    assert.ok(!JSON.stringify(list).includes('sk-remote-1'));
  });

  test('episodes:replay re-runs the user messages into a linked episode; the source is only read', async () => {
    const source = await episodeWith('replay-src', ['My name is Ada.', 'What is the weather in Paris?', 'Who am I?']);
    const before = snapshot(b.wb);
    const started = await call<{ episode: { id: string; sessionKey: string; replayOf: string } }>('episodes:replay', {
      episodeId: source,
    });
    assert.equal(started.episode.sessionKey, 'replay-src~replay');
    assert.equal(started.episode.replayOf, source);
    await until('the replay to end', () => b.wb.store.episodes.get(started.episode.id)!.status === 'ended');
    await until('the replay session to be closed', () => b.wb.sessions.info('replay-src~replay')?.state === 'closed');
    await until('the replay to say it is done', () =>
      b.wb.progress.list().some((p) => p.kind === 'replay' && p.endedAt !== null),
    );
    const replayed = b.wb.progress.list().find((p) => p.kind === 'replay')!;
    assert.deepEqual([replayed.done, replayed.total, replayed.step], [3, 3, 'done']);
    const cmp = await call<{
      turns: Array<{ a: { message: string; reply: string; prompt: string }; b: { message: string; reply: string } }>;
    }>('episodes:compare', { episodeId: source, otherId: started.episode.id });
    assert.equal(cmp.turns.length, 3);
    for (const t of cmp.turns) {
      assert.equal(t.b.message, t.a.message);
      assert.equal(t.b.reply, t.a.reply, 'the scripted model answers the same history the same way');
      assert.match(t.a.prompt, /^\[user\] /m);
    }
    // the source session's rows are as they were (the replay added a session of its own)
    const sourceRows = (s: string) => {
      const o = JSON.parse(s);
      return JSON.stringify(o.episodes.filter((e: { id: string }) => e.id === source));
    };
    assert.equal(sourceRows(snapshot(b.wb)), sourceRows(before));

    // a second replay, to another model server: a new session, calls go there
    const again = await call<{ episode: { id: string; sessionKey: string } }>('episodes:replay', {
      episodeId: source,
      overrides: { upstream: remote, runtime: 'direct' },
    });
    assert.equal(again.episode.sessionKey, 'replay-src~replay-2');
    await until('the second replay to end', () => b.wb.store.episodes.get(again.episode.id)!.status === 'ended');
    assert.equal(b.wb.store.episodes.get(again.episode.id)!.upstreamId, remote);
    assert.ok(fake.requests.some((r) => r.body.includes('Who am I?')));
  });

  test('episodes:replay refuses what cannot be replayed, and starts nothing', async () => {
    await call('sessions:create', { key: 'empty-src' });
    const empty = await call<{ id: string }>('episodes:start', { sessionKey: 'empty-src' });
    const source = await episodeWith('replay-bad', ['hello']);
    const state = snapshot(b.wb);
    assert.equal(await fails('episodes:replay', { episodeId: 'ep_nope' }), 404);
    assert.equal(await fails('episodes:replay', { episodeId: empty.id }), 409);
    assert.equal(await fails('episodes:replay', { episodeId: source, overrides: { upstream: 'up_nope' } }), 404);
    assert.equal(await fails('episodes:replay', { episodeId: source, overrides: { sessionKeys: 'sometimes' } }), 400);
    assert.equal(snapshot(b.wb), state);
  });

  test('a group of four: rollouts at once, advantages as GRPO computes them, group_id in the export', async () => {
    const started = await call<{ groupId: string; sessionKeys: string[] }>('groups:start', {
      messages: ['My name is Ada.', 'Who am I?'],
      size: 4,
      taskId: 'names',
    });
    assert.equal(started.sessionKeys.length, 4);
    await until('all four rollouts to end', () =>
      started.sessionKeys.every((k) => b.wb.store.episodes.list({ sessionKey: k }).items[0]?.status === 'ended'),
    );
    // each rollout's session was made for the run: closed when it ends, its gateway released
    await until('every rollout session to be closed', () =>
      started.sessionKeys.every((k) => b.wb.sessions.info(k)?.state === 'closed'),
    );
    // the UI was told each step: every one of the 8 turns, then done
    await until('the group to be done', () =>
      b.wb.progress.list().some((p) => p.title === 'Group of 4: names' && p.endedAt !== null),
    );
    const progress = b.wb.progress.list().find((p) => p.title === 'Group of 4: names')!;
    assert.deepEqual([progress.kind, progress.done, progress.total, progress.error], ['group', 8, 8, null]);
    const view0 = await call<{ rollouts: Array<{ episode: { id: string }; turns: unknown[]; advantage: null }> }>(
      'groups:get',
      { groupId: started.groupId },
    );
    assert.equal(view0.rollouts.length, 4);
    assert.ok(view0.rollouts.every((r) => r.turns.length === 2 && r.advantage === null));
    const rewards = [1, 0, 0.5, 0.5];
    for (const [i, r] of view0.rollouts.entries())
      await call('rewards:set', { episodeId: r.episode.id, value: rewards[i] });
    const view = await call<{
      mean: number;
      std: number;
      rollouts: Array<{ episode: { id: string; reward: number }; advantage: number }>;
    }>('groups:get', { groupId: started.groupId });
    assert.equal(view.mean, 0.5);
    assert.ok(Math.abs(view.std - Math.sqrt(1 / 6)) < 1e-12, 'unbiased std');
    assert.deepEqual(
      view.rollouts.map((r) => r.episode.reward),
      [1, 0.5, 0.5, 0],
      'best first',
    );
    assert.ok(Math.abs(view.rollouts[0]!.advantage - 0.5 / (Math.sqrt(1 / 6) + 1e-5)) < 1e-9);
    const listed = await call<{
      items: Array<{ groupId: string; size: number; ended: number; rewarded: number; startedAt: number }>;
    }>('groups:list', {});
    assert.deepEqual(
      listed.items.find((g) => g.groupId === started.groupId),
      {
        groupId: started.groupId,
        taskId: 'names',
        size: 4,
        ended: 4,
        rewarded: 4,
        startedAt: listed.items[0]!.startedAt,
      },
    );
    const lines = [...exportLines(b.wb.store, { episodes: view.rollouts.map((r) => r.episode.id) })].map((l) =>
      JSON.parse(l),
    );
    assert.ok(lines.length >= 8 && lines.every((l) => l.group_id === started.groupId));
    assert.equal(await fails('groups:get', { groupId: 'grp-nope' }), 404);
    assert.equal(await fails('groups:start', { messages: [], size: 4 }), 400);
    assert.equal(await fails('groups:start', { messages: ['x'], size: 4, overrides: { upstream: 'up_nope' } }), 404);
  });

  test('lab:clear removes lab sessions with all they recorded, and nothing else', async () => {
    b.wb.store.sessions.ensure('lab-fake-1', 'direct', Date.now(), 'lab');
    const labEpisode = await episodeWith('lab-fake-1', ['My name is Ada.']);
    const [labCall] = b.wb.store.calls.list({ episodeId: labEpisode });
    await call('calls:fork', { callId: labCall!.id });
    const replay = await call<{ episode: { id: string } }>('episodes:replay', { episodeId: labEpisode });
    await until('the replay to end', () => b.wb.store.episodes.get(replay.episode.id)!.status === 'ended');
    const removedEvents: string[][] = [];
    const off = b.wb.events.on('sessions:removed', (p) => removedEvents.push(p.keys));
    const others = b.wb.store.sessions.list({ limit: 1000 }).items.filter((s) => s.origin !== 'lab').length;
    const result = await call<{ removed: number }>('lab:clear', {});
    off();
    assert.equal(result.removed, 1);
    assert.deepEqual(removedEvents, [['lab-fake-1']]);
    assert.equal(b.wb.store.sessions.get('lab-fake-1'), undefined);
    assert.equal(b.wb.store.episodes.get(labEpisode), undefined);
    assert.equal(b.wb.store.calls.get(labCall!.id), undefined);
    const kept = b.wb.store.episodes.get(replay.episode.id)!;
    assert.equal(kept.replayOf, null, 'the replay stays, unlinked');
    assert.equal((kept.metadata.replay as { of: string }).of, labEpisode, 'and still says what it replayed');
    assert.equal(b.wb.store.sessions.list({ limit: 1000 }).items.length, others);
    assert.deepEqual(await call('lab:clear', {}), { removed: 0 });
  });
});

test('trajscope replay --json: the comparison, from a data dir', async () => {
  const b = await startBench({}, {});
  const dir = b.dir;
  const api = createApiHandlers(b.wb);
  for (const message of ['My name is Ada.', 'Who am I?'])
    await invokeEnvelope(api, 'turns:send', { sessionKey: 'cli-src', message }, () => {});
  const episodeId = b.wb.store.episodes.open('cli-src')!.id;
  await b.wb.stop(); // the data dir stays until the test removes it
  try {
    const out = spawnSync(
      process.execPath,
      [
        'electron/headless/cli.ts',
        'replay',
        '--data-dir',
        dir,
        '--episode',
        episodeId,
        '--runtime',
        'direct',
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(out.status, 0, out.stderr);
    const r = JSON.parse(out.stdout);
    assert.equal(r.sourceEpisodeId, episodeId);
    assert.equal(r.episode.replayOf, episodeId);
    assert.equal(r.comparison.turns.length, 2);
    assert.equal(r.comparison.turns[1].b.reply, r.comparison.turns[1].a.reply);
    const bad = spawnSync(
      process.execPath,
      ['electron/headless/cli.ts', 'replay', '--data-dir', dir, '--episode', 'ep_nope', '--runtime', 'direct'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown episode ep_nope/);
  } finally {
    await b.stop();
  }
});
