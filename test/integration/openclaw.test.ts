// Real OpenClaw gateways against the scripted model. Gateways are shared across cases (each costs
// ≈1 GB and seconds to start), so the cases run in order on one engine.
// Over 300 lines: the cases share one engine and its gateways on purpose (see above); split into
// files, each file would start gateways of its own.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import type { OpenClawRuntime } from '../../electron/core/runtime/openclaw.ts';
import { parsePrompt, summarizeSeen, normalizeText } from '../../shared/openclaw/prompt.ts';
import { alive, gatewayDirs, pidRecords, treeOf } from '../helpers/processes.ts';
import { allProcesses } from '../../electron/core/gateways/procfs.ts';
import { startHost } from '../helpers/host.ts';
import { request, startBench, tempDir, until, type TestBench } from '../helpers/workbench.ts';
import { needsOpenClaw } from '../helpers/openclaw.ts';

describe('OpenClaw runtime with real gateways', { skip: needsOpenClaw() }, () => {
  let b: TestBench;
  let rt: OpenClawRuntime;
  const everyPid = new Set<number>();
  const remember = (key: string) => {
    const gw = rt.gatewayOf(key);
    if (gw?.pid) for (const p of treeOf(gw.pid)) everyPid.add(p);
    return gw!;
  };
  const firstCallOf = (turnId: string) => b.wb.store.calls.detail(b.wb.store.calls.list({ turnId })[0]!.id)!;

  before(async () => {
    b = await startBench({ runtime: 'openclaw', poolSize: 1 });
    rt = b.wb.runtimes.openclaw as OpenClawRuntime;
    await b.wb.pool!.settle();
  });
  after(async () => {
    await b.stop();
    assert.deepEqual(alive([...everyPid]), [], 'no gateway process outlives the engine');
  });

  test('/rl/start_session opens external sessions: the warm gateway stays in the pool', async () => {
    assert.equal(b.wb.pool!.available, 1, b.wb.pool!.lastError ?? '');
    const rl = await request(
      `${b.wb.recorder.origin}/rl/start_session`,
      'POST',
      { task_id: 't', group_size: 2 },
      { authorization: `Bearer ${b.wb.adminKey}` },
    );
    assert.equal(rl.status, 201);
    for (const s of rl.body.sessions) {
      const key = b.wb.store.episodes.get(s.session_id)!.sessionKey;
      const info = b.wb.sessions.info(key)!;
      assert.deepEqual([info.runtime, info.gateway], ['external', null]);
    }
    assert.equal(b.wb.pool!.available, 1, 'not taken');
    assert.equal(b.wb.supervisor!.running.length, 1, 'and no replacement started');
  });

  test('a new session takes its gateway from the warm pool, bound to the episode key', async () => {
    assert.equal(b.wb.pool!.available, 1, b.wb.pool!.lastError ?? '');
    const start = await b.proxy('POST', '/session/main/episode/start', { task_id: 'names' });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const gw = remember('main');
    assert.equal(gw.binding.apiKey, start.body.session_api_key);
    assert.equal(b.wb.sessions.info('main')!.gateway!.state, 'ready');
    // the gateway token is in its 0600 config file, never on a command line any local user can read
    for (const pid of treeOf(gw.pid!)) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      assert.ok(!argv.includes(gw.token), `process ${pid} has the token in its argv`);
    }
    assert.equal(statSync(gw.configPath).mode & 0o777, 0o600);
    // the server is openclaw.mjs itself: no second Node process in between (it would only move
    // the compile cache, for ≈ 60 MB)
    const server = gw.serverPid();
    assert.ok(server);
    const between = treeOf(gw.pid!).filter(
      (pid) =>
        pid !== gw.pid && pid !== server && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('openclaw.mjs'),
    );
    assert.deepEqual(between, []);
    assert.equal(readFileSync(`/proc/${server}/stat`, 'utf8').split(') ')[1]!.split(' ')[1], String(gw.pid));
    // the key is in the gateway's private key file, which its config only refers to
    const keyFile = join(gw.dir, 'keys.json');
    assert.equal(JSON.parse(readFileSync(keyFile, 'utf8')).trajscope, start.body.session_api_key);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.ok(!readFileSync(gw.configPath, 'utf8').includes(start.body.session_api_key));
  });

  test('a two-turn /v1/responses conversation completes; an invalid bearer gets 401', async () => {
    const client = new OpenAI({
      baseURL: `${b.wb.proxyUrl}/v1`,
      apiKey: b.wb.adminKey,
      maxRetries: 0,
      timeout: 120_000,
    });
    const headers = { 'X-AReaL-Session-Key': 'main' };
    const one = await client.responses.create({ model: 'openclaw', input: 'My name is Alice.' }, { headers });
    assert.equal(one.status, 'completed');
    assert.match(one.output_text, /You said: "My name is Alice\."/);
    const stream = await client.responses.create(
      { model: 'openclaw', input: 'What is my name?', stream: true },
      { headers },
    );
    let final = '';
    for await (const ev of stream) if (ev.type === 'response.completed') final = ev.response.output_text;
    assert.match(final, /\[seen: 1 earlier user messages, 0 repeated\]/);
    const bad = new OpenAI({ baseURL: `${b.wb.proxyUrl}/v1`, apiKey: 'not-the-key', maxRetries: 0 });
    await assert.rejects(
      bad.responses.create({ model: 'openclaw', input: 'x' }, { headers }),
      (e: { status?: number }) => e.status === 401,
    );
  });

  test("the /v1/chat/completions front door passes the gateway's stream through unchanged", async () => {
    const client = new OpenAI({
      baseURL: `${b.wb.proxyUrl}/v1`,
      apiKey: b.wb.adminKey,
      maxRetries: 0,
      timeout: 120_000,
    });
    const stream = await client.chat.completions.create(
      { model: 'openclaw', stream: true, messages: [{ role: 'user', content: 'Streaming through, please.' }] },
      { headers: { 'X-AReaL-Session-Key': 'main' } },
    );
    const models = new Set<string>();
    let text = '';
    for await (const c of stream) {
      models.add(c.model);
      text += c.choices[0]?.delta?.content ?? '';
    }
    assert.deepEqual([...models], ['openclaw/default'], "the chunks are the gateway's own");
    const ep = b.wb.store.episodes.open('main')!;
    assert.equal(b.wb.store.turns.list(ep.id).at(-1)!.reply, text);
    assert.match(text, /You said: "Streaming through, please\."/);
  });

  test("no double feed: turn 2's upstream request holds turn 1's message and reply exactly once", () => {
    const ep = b.wb.store.episodes.open('main')!;
    const [t1, t2] = b.wb.store.turns.list(ep.id);
    const parsed = parsePrompt(JSON.parse(firstCallOf(t2!.id).requestBody).messages);
    const count = (role: string, text: string) =>
      parsed.logical.filter((m) => m.role === role && normalizeText(m.text) === normalizeText(text)).length;
    assert.equal(count('user', t1!.message), 1);
    assert.equal(count('assistant', t1!.reply!), 1);
    assert.equal(parsed.current?.text, 'What is my name?');
    assert.equal(summarizeSeen(parsed).repeatedMessages, 0);
  });

  test('with a stable OpenClaw session key the same check sees the double feed (the test can fail)', async () => {
    rt.setStableSessionKey('stable', true);
    await b.proxy('POST', '/session/stable/episode/start', {});
    remember('stable');
    const r1 = await b.proxy('POST', '/session/stable/turn', { message: 'My name is Bob.' });
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    const r2 = await b.proxy('POST', '/session/stable/turn', { message: 'What is my name?' });
    assert.equal(r2.status, 200);
    const parsed = parsePrompt(JSON.parse(firstCallOf(r2.body.metadata.turn_id).requestBody).messages);
    const bob = parsed.logical.filter((m) => m.role === 'user' && normalizeText(m.text) === 'My name is Bob.').length;
    assert.equal(bob, 2, 'the stored transcript and the replayed history both carry turn 1');
    assert.ok(summarizeSeen(parsed).repeatedMessages >= 1);
    assert.match(r2.body.summary, /\[seen: \d+ earlier user messages, [1-9]\d* repeated\]/);
  });

  test('a tool step (tool_search) is recorded as a tool call followed by its tool result', async () => {
    const r = await b.proxy('POST', '/session/main/turn', { message: 'please search for otters' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.metadata.tool_calls.map((t: { name: string }) => t.name),
      ['tool_search'],
    );
    const calls = b.wb.store.calls.list({ turnId: r.body.metadata.turn_id }).map((c) => b.wb.store.calls.detail(c.id)!);
    assert.ok(calls.length >= 2);
    const call = calls[0]!.response!.toolCalls[0]!;
    assert.equal(call.name, 'tool_search');
    const next = JSON.parse(calls[1]!.requestBody).messages as Array<{
      role: string;
      tool_calls?: Array<{ id: string; function: { name: string } }>;
      tool_call_id?: string;
    }>;
    const asked = next.findIndex(
      (m) => m.role === 'assistant' && m.tool_calls?.some((t) => t.function.name === 'tool_search'),
    );
    assert.ok(asked >= 0, 'the assistant tool call is replayed to the model');
    const result = next.slice(asked + 1).find((m) => m.role === 'tool');
    assert.ok(result, 'followed by the tool result');
    assert.equal(result!.tool_call_id, next[asked]!.tool_calls![0]!.id);
  });

  test('a tool OpenClaw does not know fails, and the turn says so (not a success)', async () => {
    const r = await b.proxy('POST', '/session/main/turn', { message: 'What is the weather in Paris?' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const turn = b.wb.store.turns.get(r.body.metadata.turn_id)!;
    const failed = turn.toolCalls.filter((c) => c.error);
    assert.equal(failed.length, 1, JSON.stringify(turn.toolCalls));
    // the scripted model asks OpenClaw's tool_call wrapper for get_weather, which OpenClaw lacks
    assert.match(failed[0]!.error!, /Unknown tool id: get_weather/);
    assert.equal(turn.toolErrors, 1);
    assert.ok(b.wb.sessions.info('main')!.toolErrorTurns >= 1);
  });

  test('episode boundary: the next request carries the new key and nothing of the previous episode', async () => {
    const oldKey = b.wb.store.episodes.open('main')!.upstreamKey;
    await b.proxy('POST', '/session/main/episode/end', { reward: 1 });
    const gw = remember('main');
    let configReloads = 0;
    const unwatch = gw.log.watch((c) => (configReloads += (c.text.match(/config hot reload applied/g) ?? []).length));
    const start = await b.proxy('POST', '/session/main/episode/start', {});
    unwatch();
    // the rebind rewrote the key file and reloaded the gateway's secrets, not its config
    assert.equal(configReloads, 0);
    assert.equal(JSON.parse(readFileSync(join(gw.dir, 'keys.json'), 'utf8')).trajscope, start.body.session_api_key);
    const r = await b.proxy('POST', '/session/main/turn', { message: 'Who am I?' });
    assert.equal(r.status, 200);
    const call = firstCallOf(r.body.metadata.turn_id);
    assert.equal(call.upstreamKey, start.body.session_api_key);
    assert.equal(call.requestHeaders.authorization, `Bearer ${start.body.session_api_key}`);
    assert.ok(
      !call.requestBody.includes('Alice') && !call.requestBody.includes('otters'),
      'nothing of episode 1 reaches episode 2',
    );
    assert.match(r.body.summary, /\[seen: 0 earlier user messages, 0 repeated\]/);
    const stale = await request(
      `${b.wb.recorder.url}/chat/completions`,
      'POST',
      { messages: [{ role: 'user', content: 'x' }] },
      { authorization: `Bearer ${oldKey}` },
    );
    assert.equal(stale.status, 401);
  });

  test('isolation "fresh" gives each episode a new gateway and stops the old one', async () => {
    const before = remember('main');
    const oldPids = treeOf(before.pid!);
    b.wb.config.update({ isolation: 'fresh' });
    try {
      await b.proxy('POST', '/session/main/episode/start', {});
      const after = remember('main');
      assert.notEqual(after.id, before.id);
      assert.deepEqual(alive(oldPids), []);
      assert.equal(existsSync(before.dir), false);
      const r = await b.proxy('POST', '/session/main/turn', { message: 'fresh start' });
      assert.equal(r.status, 200);
    } finally {
      b.wb.config.update({ isolation: null });
    }
  });

  test('SIGKILL of a gateway mid-turn: clear 502, session crashed, logs kept, restart works', async () => {
    const gw = remember('main');
    const ep = b.wb.store.episodes.open('main')!;
    const pending = b.proxy('POST', '/session/main/turn', { message: 'please take your time' });
    const inFlight = () => b.wb.store.calls.list({ episodeId: ep.id }).some((c) => c.endedAt === null);
    await until('an upstream call of the turn to be in flight', inFlight, 60_000);
    const server = gw.serverPid();
    assert.ok(server, 'the openclaw-gateway server process is found under the launcher');
    process.kill(server!, 'SIGKILL');
    const r = await pending;
    assert.equal(r.status, 502);
    assert.match(r.body.error.message, /OpenClaw gateway gw-\S+ \(pid \d+\) exited with/);
    const info = b.wb.sessions.info('main')!;
    assert.equal(info.state, 'crashed');
    const api = createApiHandlers(b.wb);
    const logs = await api['logs:recent']({ sessionKey: 'main' });
    assert.match(logs.map((c) => c.text).join(''), /gateway process exited on its own \(a crash\)/);
    const again = await b.proxy('POST', '/session/main/turn', { message: 'still there?' });
    assert.equal(again.status, 502);
    assert.match(again.body.error.message, /restart/);
    const restarted = await api['sessions:restart']({ key: 'main' });
    assert.equal(restarted.gateway!.restarts, 1);
    assert.equal(restarted.state, 'ready');
    remember('main');
    const ok = await b.proxy('POST', '/session/main/turn', { message: 'back again' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(b.wb.store.turns.list(ep.id).at(-1)!.status, 'ok');
  });

  test('the effective config is the safe one, with the overlay applied, and logs are indexed by time', async () => {
    const api = createApiHandlers(b.wb);
    const { config } = await api['gateways:config']({ sessionKey: 'main' });
    const c = config as {
      gateway: { bind: string; auth: { mode: string; token: string } };
      tools: { profile: string; loopDetection: { enabled: boolean } };
    };
    assert.equal(c.gateway.bind, 'loopback');
    assert.deepEqual(c.gateway.auth, { mode: 'token', token: '<redacted>' });
    assert.equal(c.tools.profile, 'minimal');
    assert.equal(c.tools.loopDetection.enabled, true);
    const turn = b.wb.store.turns.list(b.wb.store.episodes.open('main')!.id).at(-1)!;
    const during = await api['logs:range']({ sessionKey: 'main', from: turn.startedAt, to: turn.endedAt! });
    assert.ok(during.length > 0, 'log lines written during the turn are found by its time range');
    assert.ok(during.every((c) => c.at >= turn.startedAt && c.at <= turn.endedAt!));
  });

  test('close tears the gateway down: no process, no dir, no pid record', async () => {
    const gw = remember('main');
    const pids = treeOf(gw.pid!);
    await b.proxy('POST', '/session/main/close');
    assert.deepEqual(alive(pids), []);
    assert.equal(existsSync(gw.dir), false);
    assert.ok(!pidRecords(b.dir).includes(`${gw.id}.json`));
    assert.equal(b.wb.sessions.info('main')!.state, 'closed');
    assert.ok(!gatewayDirs(b.dir).includes(gw.id));
    // its log says it was stopped, not that it crashed (the exit code is the SIGTERM's)
    const log = readFileSync(gw.log.file, 'utf8');
    assert.match(log, /gateway stopped by Trajscope \(not a crash\): process exited with/);
    assert.doesNotMatch(log, /exited on its own/);
  });
});

/** Processes of any gateway under a data dir (each carries its state dir in its environment). */
function gatewayProcesses(dataDir: string) {
  const marker = `OPENCLAW_STATE_DIR=${dataDir}/gateways/`;
  return allProcesses().filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/environ`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}

test('trajscope serve with OpenClaw: SIGTERM leaves no gateway process behind', { skip: needsOpenClaw() }, async () => {
  const dir = tempDir();
  const host = await startHost(dir.path, ['--runtime', 'openclaw', '--pool-size', '0', '--no-ui']);
  const child = host.child;
  try {
    const ready = host.ready;
    const r = await request(
      `${ready.proxy}/session/host/turn`,
      'POST',
      { message: 'hi' },
      { authorization: `Bearer ${ready.adminKey}` },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(gatewayProcesses(dir.path).length >= 2, 'the gateway tree runs while the host does');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.deepEqual(gatewayProcesses(dir.path), []);
    assert.deepEqual(gatewayDirs(dir.path), []);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    dir.remove();
  }
});

test(
  'SIGKILL of the engine alone: every gateway process is gone within 5 s; the next start removes their dirs',
  { skip: needsOpenClaw(), timeout: 180_000 },
  async () => {
    const dir = tempDir();
    let host = await startHost(dir.path, ['--runtime', 'openclaw', '--pool-size', '1', '--no-ui']);
    try {
      const r = await request(
        `${host.ready.proxy}/session/killed/turn`,
        'POST',
        { message: 'hi' },
        { authorization: `Bearer ${host.ready.adminKey}` },
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // the session's gateway and the warm pool's replacement
      await until('two gateways to run', () => gatewayDirs(dir.path).length === 2, 60_000);
      assert.ok(gatewayProcesses(dir.path).length >= 4);
      const killedAt = Date.now();
      host.child.kill('SIGKILL');
      await until('every gateway process to exit', () => gatewayProcesses(dir.path).length === 0, 5_000, 50);
      const took = Date.now() - killedAt;
      assert.ok(took <= 5_000, `gone after ${took} ms`);
      assert.equal(gatewayDirs(dir.path).length, 2, 'left for the next start to reap');
      host = await startHost(dir.path, ['--runtime', 'openclaw', '--pool-size', '0', '--no-ui']);
      await until('the dead gateways to be reaped', () => gatewayDirs(dir.path).length === 0);
      assert.equal(await host.stop(), 0);
    } finally {
      if (host.child.exitCode === null) host.child.kill('SIGKILL');
      dir.remove();
    }
  },
);
