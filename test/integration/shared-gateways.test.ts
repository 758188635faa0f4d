// Shared mode on real OpenClaw gateways: sessions seated as agents of one gateway keep their keys
// and their content apart, a neighbour's rebind leaves a turn in flight alone, a full gateway makes
// room on another, a crash or a wedge takes every seated session down with a clear error and they
// go on from their next episode, and the log of a shared gateway is found by session.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import { processesWithEnv } from '../../electron/core/gateways/procfs.ts';
import { Forwarder } from '../../electron/core/model-client/forward.ts';
import { streamChat } from '../../electron/core/model-client/stream-chat.ts';
import { NO_EMITTER } from '../../electron/core/runtime/types.ts';
import { DEFAULT_SCENARIO } from '../../electron/core/scripted-model/scenario.ts';
import { startBench, until, type TestBench } from '../helpers/workbench.ts';
import { needsOpenClaw } from '../helpers/openclaw.ts';

const SCENARIO = {
  ...DEFAULT_SCENARIO,
  rules: [
    { name: 'slow', match: { regex: '(?i)\\bslowly\\b' }, delayMs: 4000, steps: [{ text: 'Done, slowly.' }] },
    ...DEFAULT_SCENARIO.rules,
  ],
};

describe('shared gateways', { skip: needsOpenClaw() }, () => {
  let b: TestBench;
  const turn = (key: string, message: string) => b.wb.sessions.turn(key, { message }, NO_EMITTER);
  const gatewayOf = (key: string) => b.wb.sessions.info(key)!.gateway!;
  before(async () => {
    b = await startBench(
      { runtime: 'openclaw', gatewayMode: 'shared', sessionsPerGateway: 3, poolSize: 1 },
      { scenario: SCENARIO, openclaw: { watchdogMs: 1000 } },
    );
    await b.wb.seats!.prefill();
  });
  after(() => b.stop());

  test('three sessions sit on one gateway as agents; each call has its own key and only its content', async () => {
    const names = ['zorblax', 'quintessa', 'vorndike'];
    for (const n of names) {
      await b.wb.sessions.startEpisode(n, {});
      assert.equal((await turn(n, `My name is ${n}.`)).turn.status, 'ok');
    }
    for (const n of names) assert.equal((await turn(n, 'Who am I?')).turn.status, 'ok');
    const seats = names.map(gatewayOf);
    assert.equal(new Set(seats.map((g) => g.gatewayId)).size, 1, 'one gateway');
    assert.equal(new Set(seats.map((g) => g.shared!.agentId)).size, 3, 'an agent each');
    assert.ok(seats.every((g) => g.shared!.sessions === 3));
    for (const n of names) {
      const ep = b.wb.store.episodes.open(n)!;
      const calls = b.wb.store.calls.list({ episodeId: ep.id });
      assert.ok(calls.length >= 2);
      for (const c of calls) {
        const body = b.wb.store.calls.detail(c.id)!.requestBody;
        assert.equal(c.upstreamKey, ep.upstreamKey);
        assert.ok(body.includes(n), `${n}'s call holds ${n}`);
        for (const other of names.filter((o) => o !== n))
          assert.ok(!body.includes(other), `${n}'s call holds ${other}`);
      }
      const last = b.wb.store.turns.list(ep.id).at(-1)!;
      assert.equal(last.status, 'ok');
    }
    assert.deepEqual(b.wb.store.alerts.list({ limit: 100 }).items, []);
  });

  test('steering headers sent to the front door never reach the gateway', async () => {
    const other = gatewayOf('quintessa').shared!.agentId;
    const ep = b.wb.store.episodes.open('zorblax')!;
    const before = b.wb.store.calls.count({ episodeId: ep.id });
    const res = await fetch(`${b.wb.proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${b.wb.adminKey}`,
        'content-type': 'application/json',
        'x-areal-session-key': 'zorblax',
        'x-openclaw-agent-id': other,
        'x-openclaw-model': `trajscope-${other}/trajscope-scripted`,
      },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Who am I really?' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    const calls = b.wb.store.calls.list({ episodeId: ep.id }).slice(before);
    assert.ok(calls.length >= 1 && calls.every((c) => c.upstreamKey === ep.upstreamKey), 'zorblax’s own key');
    const quintessa = b.wb.store.episodes.open('quintessa')!;
    assert.ok(
      b.wb.store.calls
        .list({ episodeId: quintessa.id })
        .every((c) => !b.wb.store.calls.detail(c.id)!.requestBody.includes('Who am I really?')),
    );
  });

  test("a neighbour's episode rebind leaves a turn in flight alone", async () => {
    const slow = turn('zorblax', 'Please answer slowly.');
    await until('zorblax’s call to be upstream', () =>
      b.wb.store.calls.list({ episodeId: b.wb.store.episodes.open('zorblax')!.id }).some((c) => c.endedAt === null),
    );
    const rebound = await b.wb.sessions.startEpisode('quintessa', {});
    const r = await slow;
    assert.equal(r.turn.status, 'ok');
    assert.match(r.result.text, /Done, slowly/);
    const after = await turn('quintessa', 'A new episode, quintessa here.');
    assert.equal(after.turn.status, 'ok');
    const calls = b.wb.store.calls.list({ episodeId: rebound.id });
    assert.ok(calls.length >= 1 && calls.every((c) => c.upstreamKey === rebound.upstreamKey));
  });

  test('a rebind reloads keys, not the config; calls carry the new key, the old one is refused', async () => {
    const gw = b.wb.seats!.gateways.find((h) => h.seated.includes('vorndike'))!.gateway;
    const oldKey = b.wb.store.episodes.open('vorndike')!.upstreamKey;
    let configReloads = 0;
    const unwatch = gw.log.watch((c) => (configReloads += (c.text.match(/config hot reload applied/g) ?? []).length));
    const ep = await b.wb.sessions.startEpisode('vorndike', {});
    unwatch();
    assert.equal(configReloads, 0);
    assert.equal((await turn('vorndike', 'Who am I now?')).turn.status, 'ok');
    const calls = b.wb.store.calls.list({ episodeId: ep.id });
    assert.ok(calls.length >= 1 && calls.every((c) => c.upstreamKey === ep.upstreamKey));
    const stale = await fetch(`${b.wb.recorder.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${oldKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'late' }] }),
    });
    assert.equal(stale.status, 401);
    await stale.text();
  });

  test('a full gateway makes room on another; a shared gateway’s log lines are found by session', async () => {
    await b.wb.sessions.startEpisode('ken', {});
    assert.equal((await turn('ken', 'My name is ken.')).turn.status, 'ok');
    assert.notEqual(gatewayOf('ken').gatewayId, gatewayOf('zorblax').gatewayId);
    const api = createApiHandlers(b.wb);
    const t = b.wb.store.turns.list(b.wb.store.episodes.open('zorblax')!.id)[0]!;
    const lines = await api['logs:range']({ sessionKey: 'zorblax', from: t.startedAt - 60_000, to: Date.now() });
    assert.ok(lines.length > 0 && lines.every((c) => c.gatewayId === gatewayOf('zorblax').gatewayId));
    assert.deepEqual(await api['logs:range']({ sessionKey: 'zorblax', from: 0, to: 1 }), []);
  });

  test('OpenClaw answers a key that names no agent with a 200 error stream: the runtime fails the turn', async () => {
    const gw = b.wb.openclawRuntime()!.gatewayOf('zorblax')!;
    const model = `openclaw/${gatewayOf('zorblax').shared!.agentId}`;
    const forwarder = new Forwarder({ connectMs: 5000, headersMs: 60_000, bodyMs: 60_000 });
    try {
      const sent = streamChat(
        forwarder,
        { baseUrl: `${gw.url}/v1`, apiKey: gw.token, model },
        { model, messages: [{ role: 'user', content: 'hi' }], stream: true },
        NO_EMITTER,
        { headers: { 'x-openclaw-session-key': 'not-agent-scoped' }, what: 'the shared gateway' },
      );
      await assert.rejects(sent, /the shared gateway stream failed/);
    } finally {
      await forwarder.close();
    }
  });

  test('a crash takes every seated session down with a clear error; each goes on from its next episode', async () => {
    const gw = b.wb.openclawRuntime()!.gatewayOf('zorblax')!;
    const marker = gw.envMarker;
    const inFlight = turn('zorblax', 'Please answer slowly.').catch((e: Error) => e);
    await until('zorblax’s call to be upstream', () =>
      b.wb.store.calls.list({ episodeId: b.wb.store.episodes.open('zorblax')!.id }).some((c) => c.endedAt === null),
    );
    process.kill(gw.serverPid()!, 'SIGKILL');
    const err = (await inFlight) as Error;
    assert.match(err.message, /exited with .*; every session on this shared gateway continues on a fresh gateway/);
    for (const n of ['zorblax', 'quintessa', 'vorndike']) assert.equal(b.wb.sessions.info(n)!.state, 'crashed', n);
    await assert.rejects(turn('quintessa', 'still there?'), /continues on a fresh gateway from its next episode/);
    assert.equal(gatewayOf('ken').state !== 'crashed', true, 'the other gateway is untouched');
    await until('the dead gateway’s processes to be gone', () => processesWithEnv(marker).length === 0);
    await b.wb.sessions.startEpisode('quintessa', {});
    assert.equal((await turn('quintessa', 'back again')).turn.status, 'ok');
    assert.notEqual(gatewayOf('quintessa').gatewayId, gw.id);
  });

  test('a wedged shared gateway (stopped with a turn in flight) is taken down by its watchdog', async () => {
    const gw = b.wb.openclawRuntime()!.gatewayOf('quintessa')!;
    const inFlight = turn('quintessa', 'Please answer slowly.').catch((e: Error) => e);
    await until('quintessa’s call to be upstream', () =>
      b.wb.store.calls.list({ episodeId: b.wb.store.episodes.open('quintessa')!.id }).some((c) => c.endedAt === null),
    );
    process.kill(gw.serverPid()!, 'SIGSTOP');
    const err = (await inFlight) as Error;
    assert.match(err.message, /stopped answering its health check with turns in flight \(wedged\)/);
    assert.equal(b.wb.sessions.info('quintessa')!.state, 'crashed');
    await until('the wedged gateway’s processes to be gone', () => processesWithEnv(gw.envMarker).length === 0);
  });
});
