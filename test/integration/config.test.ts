// The configuration end to end: a --config file pointing `serve` at a real local OpenAI-compatible
// server, Settings changes that apply to the next episode (and survive a restart), "Test connection",
// and secrets that never reach logs, runtime.json or exports.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startHost } from '../helpers/host.ts';
import { request, startBench, tempDir, type TestBench } from '../helpers/workbench.ts';

const KEY = 'sk-upstream-7f3a9c1e5b2d';

describe('configuration reaches the engine', () => {
  let fake: FakeUpstream;
  before(async () => (fake = await startFakeUpstream({ key: KEY })));
  after(() => fake.stop());

  test(
    "serve --config FILE sends a turn's model calls to that upstream with that key and model",
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      const file = join(dir.path, 'trajscope.json');
      writeFileSync(
        file,
        JSON.stringify({ runtime: 'direct', upstreamUrl: fake.url, upstreamKey: KEY, upstreamModel: 'fake-model' }),
      );
      const host = await startHost(join(dir.path, 'data'), ['--config', file]);
      try {
        const seen = fake.requests.length;
        const r = await request(
          `${host.ready.proxy}/session/cfg/turn`,
          'POST',
          { message: 'hello upstream' },
          {
            authorization: `Bearer ${host.ready.adminKey}`,
          },
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.summary, 'Echo: hello upstream');
        const sent = fake.requests.slice(seen);
        assert.equal(sent.length, 1);
        assert.equal(sent[0]!.headers.authorization, `Bearer ${KEY}`);
        assert.equal(JSON.parse(sent[0]!.body).model, 'fake-model');
        // the key is in none of what the host prints or writes for others to read
        const exported = spawnSync(
          process.execPath,
          // what the engine recorded, rewarded or not
          ['electron/headless/cli.ts', 'export', '--data-dir', join(dir.path, 'data'), '--unlabeled', 'null'],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(exported.status, 0, exported.stderr);
        assert.ok(exported.stdout.includes('hello upstream'));
        for (const text of [
          exported.stdout,
          host.stderr(),
          readFileSync(join(dir.path, 'data', 'runtime.json'), 'utf8'),
        ]) {
          assert.ok(!text.includes(KEY), 'the upstream key leaked');
        }
      } finally {
        await host.stop();
        dir.remove();
      }
    },
  );

  test('a key an upstream echoes back is stored as received; no view, export or AReaL export shows it', async () => {
    const b = await startBench({ upstreamUrl: fake.url, upstreamKey: KEY, upstreamModel: 'fake-model' });
    try {
      const r = await b.proxy('POST', '/session/echo/turn', { message: 'please echokey' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const ep = b.wb.store.episodes.open('echo')!;
      const call = b.wb.store.calls.list({ episodeId: ep.id })[0]!;
      assert.ok(b.wb.store.calls.detail(call.id)!.rawResponse!.includes(KEY), 'stored bytes stay as received');
      const api = createApiHandlers(b.wb);
      const shown = JSON.stringify(await api['calls:get']({ callId: call.id, withRaw: true }));
      assert.ok(!shown.includes(KEY), 'the view shows the key');
      assert.match(shown, /\[redacted upstreamKey\]/);
      await b.proxy('POST', '/session/echo/episode/end', {});
      const areal = await request(
        `${b.wb.recorder.origin}/export_trajectories`,
        'POST',
        { session_id: ep.id },
        { authorization: `Bearer ${b.wb.adminKey}` },
      );
      assert.equal(areal.status, 200);
      assert.ok(!JSON.stringify(areal.body).includes(KEY) && JSON.stringify(areal.body).includes('[redacted'));
      await b.wb.stop();
      const exported = spawnSync(
        process.execPath,
        ['electron/headless/cli.ts', 'export', '--data-dir', b.dir, '--unlabeled', 'null'],
        {
          encoding: 'utf8',
          env: { ...process.env, TRAJSCOPE_UPSTREAM_KEY: undefined },
        },
      );
      assert.equal(exported.status, 0, exported.stderr);
      assert.ok(exported.stdout.includes('please echokey Bearer [redacted upstream'), exported.stdout.slice(0, 500));
      assert.ok(!exported.stdout.includes(KEY));
    } finally {
      await b.stop();
    }
  });

  describe('Settings → Connections on a running engine', () => {
    let b: TestBench;
    const api = () => createApiHandlers(b.wb);
    before(async () => (b = await startBench()));
    after(() => b.stop());

    test('a new upstream applies to the next episode; the running episode keeps its binding', async () => {
      const before = await b.proxy('POST', '/session/keep/episode/start', {});
      await api()['config:set']({ upstreamUrl: fake.url, upstreamKey: KEY, upstreamModel: 'fake-model' });
      const seen = fake.requests.length;
      const old = await b.proxy('POST', '/session/keep/turn', { message: 'still scripted' });
      assert.match(
        old.body.summary,
        /You said: "still scripted"/,
        'the open episode still talks to the scripted model',
      );
      assert.equal(fake.requests.length, seen);
      const next = await b.proxy('POST', '/session/keep/episode/start', {});
      assert.notEqual(next.body.episode_id, before.body.episode_id);
      const fresh = await b.proxy('POST', '/session/keep/turn', { message: 'now remote' });
      assert.equal(fresh.body.summary, 'Echo: now remote');
      assert.equal(fake.requests.at(-1)!.headers.authorization, `Bearer ${KEY}`);
      assert.equal(b.wb.info().upstream.url, fake.url);
      const view = await api()['config:get']({});
      assert.equal(view.sources.upstreamUrl, 'saved');
      assert.ok(!JSON.stringify(view).includes(KEY));
    });

    test('"Test connection" lists the models, or says exactly why it cannot', async () => {
      const probe = api()['config:test-upstream'];
      const ok = await probe({ upstreamUrl: fake.url, upstreamKey: KEY, upstreamModel: 'fake-model' });
      assert.deepEqual([ok.ok, ok.models], [true, ['fake-model']]);
      const saved = await probe({ upstreamUrl: fake.url });
      assert.equal(saved.ok, true, 'an empty key field tests with the saved key');
      const wrong = await probe({ upstreamUrl: fake.url, upstreamKey: 'sk-wrong' });
      assert.match(wrong.message, /refused the key \(401\)/);
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as { port: number }).port;
          s.close(() => resolve(p));
        });
      });
      assert.match(
        (await probe({ upstreamUrl: `http://127.0.0.1:${port}/v1` })).message,
        /nothing listens at 127\.0\.0\.1:\d+ \(connection refused\)/,
      );
      assert.match((await probe({ upstreamUrl: 'ftp://models' })).message, /is not an http\(s\) URL/);
      assert.match(
        (await probe({ upstreamUrl: 'http://no-such-host.invalid/v1' })).message,
        /cannot resolve the host name "no-such-host\.invalid"|could not be reached/,
      );
      const odd = http.createServer((req, res) => {
        if (req.url?.startsWith('/text/')) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>');
        else res.writeHead(404).end('not found');
      });
      await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(odd.address() as { port: number }).port}`;
      try {
        assert.match(
          (await probe({ upstreamUrl: base })).message,
          /answered 404: is the base URL right\? It usually ends in \/v1/,
        );
        assert.match((await probe({ upstreamUrl: `${base}/text/v1` })).message, /answered 200 but not with JSON/);
      } finally {
        odd.close();
      }
    });

    test('an OpenClaw binary that does not run is refused with its reason, and nothing is saved', async () => {
      const before = readFileSync(b.wb.config.settingsPath, 'utf8');
      await assert.rejects(
        api()['config:set']({ openclawBin: '/nowhere/openclaw.mjs' }) as Promise<unknown>,
        /OpenClaw not found at \/nowhere/,
      );
      assert.equal(readFileSync(b.wb.config.settingsPath, 'utf8'), before);
    });
  });
});
