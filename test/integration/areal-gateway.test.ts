// Trajscope behind AReaL's agent service, driven by requests shaped exactly as AReaL's own clients
// send them (test/helpers/areal.ts): registration with its Router and the Gateway's Basic-auth path,
// the Gateway's turn wire and bridges, and the PR #1383 episode lifecycle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Gateway, httpxGet, httpxPost, startRouter, type Router } from '../helpers/areal.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startHost } from '../helpers/host.ts';
import { adminAuth, request, startBench, tempDir, until, type TestBench } from '../helpers/workbench.ts';

describe('serve --areal-router: registration with AReaL Router', () => {
  test('registers a credentialed address, never prints the secret, replaces a crashed registration', async () => {
    const router = await startRouter('router-admin-7');
    const dir = tempDir();
    const env = { TRAJSCOPE_AREAL_ROUTER_KEY: 'router-admin-7' };
    const args = ['--runtime', 'direct', '--no-ui', '--areal-router', router.url];
    try {
      const first = await startHost(dir.path, args, env);
      assert.equal(router.registered.length, 1);
      const addr = new URL(router.registered[0]!);
      assert.equal(addr.origin, new URL(first.ready.proxy).origin);
      assert.equal(addr.username, 'areal');
      assert.ok(addr.password.length >= 24, 'a per-run secret');
      await until('the registration line', () => first.stderr().includes('registered with the AReaL Router'));
      assert.ok(!first.stderr().includes(addr.password), 'the secret is never printed');
      assert.match(first.stderr(), /areal:…@127\.0\.0\.1/);
      assert.ok(
        router.calls.every((c) => c.authorization === 'Bearer router-admin-7'),
        'the admin key came from the env',
      );

      // a crash leaves the registration behind; the next start removes it before registering anew
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      assert.deepEqual(router.registered, [addr.href.replace(/\/$/, '')]);
      const second = await startHost(dir.path, args, env);
      assert.equal(router.registered.length, 1);
      assert.notEqual(router.registered[0], addr.href.replace(/\/$/, ''), 'the stale address is gone');
      assert.equal(new URL(router.registered[0]!).origin, new URL(second.ready.proxy).origin);

      // AReaL's Gateway reaches a session through the Router, with nothing but the address
      const gw = new Gateway(router);
      const t = await gw.turn('alice', 'hello there', {});
      assert.equal(t.status, 200);
      assert.match(((await t.json()) as { summary: string }).summary, /hello there/);

      assert.equal(await second.stop(), 0);
      assert.deepEqual(router.registered, [], 'unregistered at stop');
      assert.ok(!existsSync(join(dir.path, 'areal-router.json')));
    } finally {
      await router.stop();
      dir.remove();
    }
  });

  test('the Router key is refused as a flag (it would show in ps); an unreachable Router stops the start', () => {
    const dir = tempDir();
    try {
      const cli = (args: string[]) =>
        spawnSync(process.execPath, ['electron/headless/cli.ts', 'serve', '--data-dir', dir.path, ...args], {
          encoding: 'utf8',
          timeout: 60_000,
        });
      const flag = cli(['--runtime', 'direct', '--no-ui', '--areal-router-key', 'k']);
      assert.equal(flag.status, 2);
      assert.match(flag.stderr, /--areal-router-key would put a secret on the command line/);
      assert.match(flag.stderr, /TRAJSCOPE_AREAL_ROUTER_KEY/);
      const down = cli(['--runtime', 'direct', '--no-ui', '--areal-router', 'http://127.0.0.1:9']);
      assert.equal(down.status, 1);
      assert.match(down.stderr, /127\.0\.0\.1:9/);
      assert.doesNotMatch(down.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(!existsSync(join(dir.path, 'runtime.json')));
    } finally {
      dir.remove();
    }
  });
});

describe("AReaL's Gateway in front of the DataProxy", () => {
  let router: Router;
  let b: TestBench;
  let gw: Gateway;
  let addr: string;
  before(async () => {
    router = await startRouter();
    b = await startBench({ arealRouter: router.url });
    gw = new Gateway(router);
    addr = router.registered[0]!;
  });
  after(async () => {
    await b.stop();
    assert.deepEqual(router.registered, []);
    await router.stop();
  });

  test('the Basic credential opens turn, history and close, and nothing else', async () => {
    const ok = await httpxPost(`${addr}/session/basic/turn`, { message: 'hi' });
    assert.equal(ok.status, 200);
    assert.equal((await httpxGet(`${addr}/session/basic/history`)).status, 200);
    const plain = addr.replace(/\/\/[^@]+@/, '//');
    const wrong = addr.replace(/:([^:@/]+)@/, ':not-the-secret@');
    const denied: Array<[string, Promise<Response>]> = [
      ['episode/start', httpxPost(`${addr}/session/basic/episode/start`, {})],
      ['reward', httpxPost(`${addr}/session/basic/reward`, { reward: 1 })],
      ['episode/end', httpxPost(`${addr}/session/basic/episode/end`, {})],
      ['chat door', httpxPost(`${addr}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }] })],
      ['responses door', httpxPost(`${addr}/v1/responses`, { input: 'x' })],
      ['wrong secret', httpxPost(`${wrong}/session/basic/turn`, { message: 'hi' })],
      ['no credential', httpxPost(`${plain}/session/basic/turn`, { message: 'hi' })],
      ['user only', httpxPost(`${addr.replace(/:([^:@/]+)@/, '@')}/session/basic/turn`, { message: 'hi' })],
    ];
    for (const [what, res] of denied) {
      const r = await res;
      assert.equal(r.status, 401, what);
      assert.match(((await r.json()) as { error: { message: string } }).error.message, /admin key/, what);
    }
    assert.equal(b.wb.store.turns.list(b.wb.store.episodes.open('basic')!.id).length, 1, 'no denied turn ran');
    assert.equal((await httpxPost(`${addr}/session/basic/close`, undefined)).status, 200);
  });

  test("a controller's httpx address with the admin key as password opens the episode routes", async () => {
    const controller = addr.replace(/\/\/[^@]+@/, `//controller:${b.wb.adminKey}@`);
    const start = await httpxPost(`${controller}/session/ctl/episode/start`, { task_id: 't' });
    assert.equal(start.status, 200);
    assert.equal((await httpxPost(`${controller}/session/ctl/reward`, { reward: 0.5 })).status, 200);
    const end = await httpxPost(`${controller}/session/ctl/episode/end`, { reward: null });
    assert.equal(((await end.json()) as { reward: number }).reward, 0.5, 'the reward set before the end');
  });

  test('Responses: function_call items carry their arguments; "alice smith" is a valid user', async () => {
    const r = await gw.responses({
      model: 'm',
      user: 'alice smith',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'search for éclairs' }] }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const output = (r.body as { output: Array<Record<string, string>> }).output;
    const fc = output.find((o) => o.type === 'function_call');
    assert.ok(fc, JSON.stringify(output));
    assert.equal(fc.name, 'tool_search');
    assert.deepEqual(JSON.parse(fc.arguments!), { query: 'search for éclairs' });
    const text = output.find((o) => o.type === 'message') as unknown as { content: Array<{ text: string }> };
    assert.ok(text.content[0]!.text.length > 0);
    assert.ok(b.wb.store.sessions.get('agent:m:alice smith'), 'the session is keyed as the Gateway keyed it');
  });

  test('/ws gets delta frames whose text is the answer', async () => {
    const frames = await gw.ws('ws-user', 'tell me about rivers');
    const deltas = frames.filter((f) => f.event === 'delta');
    assert.ok(deltas.length >= 1, JSON.stringify(frames));
    const complete = frames.at(-1)!;
    assert.equal(complete.event, 'complete');
    assert.equal(deltas.map((d) => d.text).join(''), complete.summary);
  });

  test('fields AReaL sends beside the message are kept in the turn metadata, never a 400', async () => {
    const res = await gw.turn('extras', 'hello', { idempotencyKey: 'k1' }, { stream: true, user: 'bob' });
    assert.equal(res.status, 200);
    const ep = b.wb.store.episodes.open('extras')!;
    const [turn] = b.wb.store.turns.list(ep.id);
    assert.equal(turn!.metadata.stream, true);
    assert.equal(turn!.metadata.user, 'bob');
    assert.equal(turn!.metadata.queue_mode, 'collect');
    assert.match(String(turn!.metadata.run_id), /^run-/);
  });

  test('keys AReaL refuses stay refused: control characters, slashes and dot segments', async () => {
    const basic = {
      authorization: `Basic ${Buffer.from(new URL(addr).username + ':' + new URL(addr).password).toString('base64')}`,
    };
    for (const key of ['a%07b', '%2E%2E', 'a%2Fb']) {
      // raw paths: fetch would resolve the dot segment itself
      const status = await new Promise<number>((resolve, reject) => {
        const u = new URL(addr);
        const req = httpRequest(
          { hostname: u.hostname, port: u.port, path: `/session/${key}/turn`, method: 'POST', headers: basic },
          (res) => (res.resume(), resolve(res.statusCode!)),
        );
        req.on('error', reject);
        req.end('{"message":"x"}');
      });
      assert.equal(status, 400, key);
    }
  });

  test('the chat-completions bridge gets a chat completion back, whole or streamed', async () => {
    const messages = [{ role: 'user', content: 'what is two plus two' }];
    const whole = await gw.chat({ model: 'm', messages }, 'chat-bridge');
    assert.equal(whole.status, 200);
    const body = (await whole.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    assert.equal(body.object, 'chat.completion');
    assert.match(body.choices[0]!.message.content, /two plus two/);

    const streamed = await gw.chat({ model: 'm', messages, stream: true }, 'chat-bridge');
    assert.equal(streamed.status, 200);
    assert.match(streamed.headers.get('content-type') ?? '', /text\/event-stream/);
    const sse = await streamed.text();
    const chunks = sse
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
    assert.match(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), /two plus two/);
    assert.match(sse, /data: \[DONE\]\n\n$/);
  });
});

describe("the PR's agent-service lifecycle (TrainingContext)", () => {
  let b: TestBench;
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream({ key: 'sk-train-0001' });
    b = await startBench();
  });
  after(async () => {
    await b.stop();
    await fake.stop();
  });

  test("a TrainingContext's llm_* route the episode and are recorded", async () => {
    const start = await b.proxy('POST', '/session/pr-1/episode/start', {
      session_id: 'ctx-1',
      llm_base_url: `${fake.url}/v1`,
      llm_api_key: 'sk-train-0001',
      llm_model: 'trained-model',
      extras: { seed: 3 },
    });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const ep = b.wb.store.episodes.get(start.body.episode_id)!;
    assert.equal(ep.taskId, 'ctx-1');
    assert.deepEqual(ep.metadata.training_context, { session_id: 'ctx-1', extras: { seed: 3 } });
    const t = await b.proxy('POST', '/session/pr-1/turn', { message: 'hello' });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const sent = fake.requests.at(-1)!;
    assert.equal(sent.headers.authorization, 'Bearer sk-train-0001');
    assert.equal(JSON.parse(sent.body).model, 'trained-model');
    const calls = b.wb.store.calls.list({ turnId: t.body.metadata.turn_id });
    assert.ok(calls.length >= 1 && calls.every((c) => c.episodeId === ep.id));
    assert.ok(!JSON.stringify(b.wb.store.turns.list(ep.id)).includes('sk-train-0001'), 'the key is not stored');
  });

  test('episode/end with reward null, twice, and with nothing open: answered as the PR does', async () => {
    await b.proxy('POST', '/session/pr-2/episode/start', {});
    const first = await b.proxy('POST', '/session/pr-2/episode/end', { reward: null });
    assert.equal(first.status, 200);
    assert.equal(first.body.reward, null);
    const again = await b.proxy('POST', '/session/pr-2/episode/end', { reward: null });
    assert.deepEqual([again.status, again.body.episode_id], [200, null]);
    const lost = await b.proxy('POST', '/session/pr-2/episode/end', { reward: 1 });
    assert.equal(lost.status, 409, 'a reward with nothing to attach it to is not dropped silently');
    const unknown = await b.proxy('POST', '/session/never-seen/episode/end', { reward: 1 });
    assert.equal(unknown.status, 404);
  });

  test('a key minted by /rl/start_session and handed back as a TrainingContext keeps its session_id', async () => {
    const rl = await request(`${b.wb.recorder.origin}/rl/start_session`, 'POST', { task_id: 'task-9' }, adminAuth(b));
    assert.equal(rl.status, 201);
    const start = await b.proxy('POST', '/session/pr-3/episode/start', {
      session_id: rl.body.session_id,
      llm_base_url: b.wb.recorder.url,
      llm_api_key: rl.body.api_key,
      llm_model: 'trajscope-scripted',
    });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    assert.equal(start.body.episode_id, rl.body.session_id, 'the trainer session_id stays valid');
    assert.equal(start.body.session_api_key, rl.body.api_key);
    const t = await b.proxy('POST', '/session/pr-3/turn', { message: 'hello' });
    assert.equal(t.status, 200);
    const calls = b.wb.store.calls.list({ episodeId: rl.body.session_id });
    assert.equal(calls.length, t.body.metadata.upstream_calls, 'each call recorded once, under the episode');
    assert.ok(calls.every((c) => c.sessionKey === 'pr-3' && !c.outsideTurn));
    const ex = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_id: rl.body.session_id },
      adminAuth(b),
    );
    assert.equal(ex.status, 200);
    assert.equal(Object.keys(ex.body.interactions).length, calls.length);
  });
});
