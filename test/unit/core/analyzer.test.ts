import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LeakAnalyzer } from '../../../electron/core/analysis/analyzer.ts';
import { Shingles } from '../../../electron/core/analysis/fingerprint.ts';
import { EngineEvents } from '../../../electron/core/events.ts';
import { Store } from '../../../electron/core/store/store.ts';
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import { sampleBody } from '../../helpers/samples.ts';
import { tempDir } from '../../helpers/workbench.ts';

describe('leak detectors', () => {
  const dir = tempDir();
  let store: Store;
  let events: EngineEvents;
  let analyzer: LeakAnalyzer;
  before(() => {
    store = new Store(dir.path);
    events = new EngineEvents();
    analyzer = new LeakAnalyzer(store, events);
  });
  after(() => {
    store.close();
    dir.remove();
  });

  let n = 0;
  /** A finished turn whose history is `history`, then a call carrying `messages` recorded in a new turn. */
  function setup(
    session: string,
    history: Array<[string, string]>,
    message: string,
    opts: { newEpisode?: boolean } = {},
  ) {
    store.sessions.ensure(session, 'openclaw');
    let ep = store.episodes.open(session);
    if (!ep || opts.newEpisode) {
      if (ep) store.episodes.end(ep.id);
      ep = store.episodes.insert({
        sessionKey: session,
        taskId: null,
        metadata: {},
        upstreamKey: `sk-sess-${session}-${n++}`,
        upstreamId: null,
      });
    }
    for (const [u, a] of history) {
      const t = store.turns.insert({
        episodeId: ep.id,
        sessionKey: session,
        message: u,
        historyLength: store.turns.history(ep.id).length,
      });
      events.emit('turns:changed', store.turns.finish(t.id, { status: 'ok', reply: a, toolCalls: [], error: null }));
    }
    const turn = store.turns.insert({
      episodeId: ep.id,
      sessionKey: session,
      message,
      historyLength: store.turns.history(ep.id).length,
    });
    return { ep, turn };
  }
  function analyze(session: string, turnId: string, episodeId: string, messages: ChatMessage[]) {
    const body = Buffer.from(JSON.stringify({ model: 'm', messages }));
    const call = store.calls.insert({
      upstreamKey: 'k',
      sessionKey: session,
      episodeId,
      turnId,
      path: '/v1/chat/completions',
      headers: {},
      body,
      startedAt: Date.now(),
    });
    return analyzer.analyzeCall(call, body);
  }

  test('the real double-feed capture raises double_feed with both copies as evidence', () => {
    const body = sampleBody('double-feed-stable-key');
    // the capture's Runtime line names OpenClaw session agent:main:tool-3, so the session is tool-3
    const { ep, turn } = setup(
      'tool-3',
      [["What's the weather in Paris?", 'tool_call id=85ff0c902 name=get_weather arguments={"city":"Paris"}']],
      'Tool:85ff0c902: {"temp_c":21,"sky":"sunny"}',
    );
    const alerts = analyze('tool-3', turn.id, ep.id, body.messages);
    assert.ok(!alerts.some((a) => a.kind === 'key_mismatch'));
    const df = alerts.find((a) => a.kind === 'double_feed');
    assert.ok(df, `double_feed raised (got ${alerts.map((a) => a.kind).join(', ')})`);
    assert.match(df!.evidence[0]!.text, /What's the weather in Paris\?/);
    assert.match(df!.evidence[0]!.detail!, /replayed 1× .* in the prompt 2× \(message \+ flattened\)/);
  });

  test('the real fresh-key capture (history flattened once) raises nothing', () => {
    const body = sampleBody('lean-config-flattened-history');
    const { ep, turn } = setup('lean-a', [['My name is Alice.', 'Nice to meet you, Alice.']], 'What is my name?');
    assert.deepEqual(
      analyze('lean-a', turn.id, ep.id, body.messages).map((a) => a.kind),
      [],
    );
  });

  test("an earlier episode's reply in a later episode's prompt is cross-episode leakage, naming the source", () => {
    const first = setup(
      'x',
      [['The secret harbour is called Port Wendeline.', 'Understood, Port Wendeline it is.']],
      'ok',
    );
    const second = setup('x', [], 'Where should we sail?', { newEpisode: true });
    const alerts = analyze('x', second.turn.id, second.ep.id, [
      { role: 'system', content: 'You are a helpful sailing assistant.' },
      { role: 'user', content: 'Understood, Port Wendeline it is.' },
      { role: 'user', content: 'Where should we sail?' },
    ]);
    const cross = alerts.find((a) => a.kind === 'cross_episode');
    assert.ok(cross);
    assert.equal(cross!.evidence[0]!.sourceEpisodeId, first.ep.id);
    assert.match(cross!.evidence[0]!.text, /port wendeline/);
    assert.ok(alerts.some((a) => a.kind === 'history_not_reset'));
  });

  test('a session whose fingerprints were let go (thousands of sessions later) still has its leaks found', () => {
    const first = setup('evicted', [['The vault code is Saffron Otter 42.', 'Noted: Saffron Otter 42.']], 'ok');
    const quiet = [{ role: 'system', content: 'You are a helpful sailing assistant.' }];
    // enough other sessions analyzed that the first one's in-memory fingerprints are dropped
    for (let i = 0; i < 2100; i++) {
      const other = setup(`filler-${i}`, [], `hello ${i}`);
      analyze(`filler-${i}`, other.turn.id, other.ep.id, [...quiet, { role: 'user', content: `hello ${i}` }]);
    }
    const second = setup('evicted', [], 'What next?', { newEpisode: true });
    const alerts = analyze('evicted', second.turn.id, second.ep.id, [
      ...quiet,
      { role: 'user', content: 'Noted: Saffron Otter 42.' },
      { role: 'user', content: 'What next?' },
    ]);
    const cross = alerts.find((a) => a.kind === 'cross_episode');
    assert.ok(cross, `cross_episode raised (got ${alerts.map((a) => a.kind).join(', ')})`);
    assert.equal(cross!.evidence[0]!.sourceEpisodeId, first.ep.id);
  });

  test("the same task prompt in two episodes is not a leak (it is each episode's own message)", () => {
    setup('task', [['Sort the numbers 5 3 9 1 ascending please.', 'Sorted: 1 3 5 9 and done.']], 'thanks');
    const second = setup('task', [], 'Sort the numbers 5 3 9 1 ascending please.', { newEpisode: true });
    const alerts = analyze('task', second.turn.id, second.ep.id, [
      { role: 'system', content: 'You are a helpful sailing assistant.' },
      { role: 'user', content: 'Sort the numbers 5 3 9 1 ascending please.' },
    ]);
    assert.deepEqual(
      alerts.map((a) => a.kind),
      [],
    );
  });

  test('a system prompt that changes between episodes raises drift with the added lines', () => {
    const a = setup('drift', [], 'hello there friend', { newEpisode: true });
    assert.deepEqual(
      analyze('drift', a.turn.id, a.ep.id, [
        { role: 'system', content: 'Base prompt line.' },
        { role: 'user', content: 'hello there friend' },
      ]).map((x) => x.kind),
      [],
    );
    const b = setup('drift', [], 'hello again friend', { newEpisode: true });
    const alerts = analyze('drift', b.turn.id, b.ep.id, [
      { role: 'system', content: 'Base prompt line.\nInjected: remember the blue key.' },
      { role: 'user', content: 'hello again friend' },
    ]);
    const drift = alerts.find((x) => x.kind === 'system_prompt_drift');
    assert.ok(drift);
    assert.deepEqual(
      drift!.evidence.map((e) => e.text),
      ['+ Injected: remember the blue key.'],
    );
  });

  test("another gateway's workspace path is not drift; a changed file under it is", () => {
    const system = (gw: string, extra = '') =>
      `Base prompt line.\nWorking directory: /data/gateways/${gw}/state/workspace\n` +
      `## /data/lab/2b9f9d1e/gateways/${gw}/state/workspace/AGENTS.md${extra}`;
    const kinds = (gw: string, extra = '') => {
      const s = setup('paths', [], `hello from ${gw}`, { newEpisode: true });
      const alerts = analyze('paths', s.turn.id, s.ep.id, [
        { role: 'system', content: system(gw, extra) },
        { role: 'user', content: `hello from ${gw}` },
      ]);
      return alerts.filter((x) => x.kind === 'system_prompt_drift').map((x) => x.evidence.map((e) => e.text));
    };
    assert.deepEqual(kinds('gw-mxc91sz8-387375'), []);
    assert.deepEqual(kinds('gw-mxc92ez4-7b62c2'), [], 'only the gateway dir differs');
    assert.deepEqual(kinds('gw-mxc93aaa-000001', '\nRemember PELICAN.'), [['+ Remember PELICAN.']]);
  });

  test('a call outside any turn and a call from another OpenClaw session are flagged', () => {
    const { ep } = setup('bg', [], 'x');
    const body = Buffer.from(
      JSON.stringify({
        messages: [
          {
            role: 'user',
            content: 'background chore\n\nRuntime: agent=main | session=agent:main:other-session:1234 | host=vm',
          },
        ],
      }),
    );
    const call = store.calls.insert({
      upstreamKey: 'k',
      sessionKey: 'bg',
      episodeId: ep.id,
      turnId: null,
      path: '/v1/chat/completions',
      headers: {},
      body,
      startedAt: Date.now(),
    });
    const kinds = analyzer
      .analyzeCall(call, body)
      .map((a) => a.kind)
      .sort();
    assert.deepEqual(kinds, ['background_call', 'key_mismatch']);
  });

  test('shingles ignore what changes every turn', () => {
    const a = new Shingles('[Tue 2026-11-24 09:27 UTC] Tell me about the red lighthouse on the cliff');
    const b = new Shingles('[Wed 2026-11-25 10:01 UTC] tell me about THE red lighthouse, on the cliff!');
    assert.deepEqual([...a.starts.keys()], [...b.starts.keys()]);
    assert.equal(new Shingles('hi').starts.size, 0, 'too short to mean anything');
  });
});
