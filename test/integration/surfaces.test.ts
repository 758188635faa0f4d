// What every server and file of the engine holds to, whoever calls: a Host allow-list (no DNS
// rebinding), nosniff on JSON, request and upstream timeouts, bounded rewards, private files,
// and no secret accepted on a command line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import { ApiServer } from '../../electron/headless/api-server.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startBench, tempDir, type TestBench } from '../helpers/workbench.ts';

/** A GET with a chosen Host header (fetch never lets one be set). */
function get(
  url: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { ...headers, host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

describe('every server', () => {
  let b: TestBench;
  let api: ApiServer;
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream();
    b = await startBench({
      upstreamUrl: fake.url,
      requestTimeoutMs: 1500,
      upstreamTimeoutMs: 1500,
      allowedHosts: ['bench.example'],
    });
    api = new ApiServer(b.wb, 'ui-token', null);
    await api.start('127.0.0.1', 0);
  });
  after(async () => {
    await api.stop();
    await b.stop();
    await fake.stop();
  });

  test('answers only Host names that are this machine: loopback names, IP literals, configured names', async () => {
    const servers = [
      `${b.wb.proxyUrl}/health`,
      `${b.wb.recorder.url}/models`,
      `${b.wb.scripted.baseUrl}/models`,
      `${api.url}/`,
    ];
    for (const url of servers) {
      const port = new URL(url).port;
      const rebound = await get(url, `attacker.example:${port}`);
      assert.equal(rebound.status, 403, `${url} refuses a rebound name`);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `bench.example:${port}`]) {
        assert.notEqual((await get(url, host)).status, 403, `${url} answers ${host}`);
      }
    }
    // the event WebSocket too
    const ws = await new Promise<string>((resolve) => {
      const sock = connect(Number(new URL(api.url).port), '127.0.0.1', () =>
        sock.write(
          'GET /api/events?token=ui-token HTTP/1.1\r\nHost: attacker.example\r\n' +
            'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        ),
      );
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('close', () => resolve(got));
    });
    assert.match(ws, /^HTTP\/1\.1 401/);
  });

  test('JSON answers carry nosniff', async () => {
    for (const url of [`${b.wb.proxyUrl}/health`, `${b.wb.recorder.url}/models`]) {
      const r = await get(url, '127.0.0.1');
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
    }
  });

  test('an authenticated body that never finishes is cut off after the request timeout', async () => {
    const url = new URL(b.wb.proxyUrl);
    const t0 = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const sock = connect(Number(url.port), '127.0.0.1', () =>
        sock.write(
          `POST /session/slow/turn HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${b.wb.adminKey}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"message":',
        ),
      );
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('close', () => resolve(got));
    });
    const took = Date.now() - t0;
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(took >= 1400 && took < 6000, `cut off after ${took} ms`);
    assert.equal(b.wb.store.sessions.get('slow'), undefined, 'nothing was created');
  });

  test('a hung upstream fails after upstreamTimeoutMs with a 504 and a "timeout" call', async () => {
    const t0 = Date.now();
    const r = await b.proxy('POST', '/session/hung/turn', { message: 'hang please' });
    assert.equal(r.status, 504);
    assert.ok(Date.now() - t0 < 6000);
    const call = b.wb.store.calls.list({ episodeId: b.wb.store.episodes.open('hung')!.id })[0]!;
    assert.equal(call.outcome, 'timeout');
  });

  test('rewards are bounded so every sum stays finite', async () => {
    await b.proxy('POST', '/session/huge/turn', { message: 'x' });
    const r = await b.proxy('POST', '/session/huge/reward', { reward: 1.7e308 });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /at most 1000000000/);
    assert.equal((await b.proxy('POST', '/session/huge/reward', { reward: 1e9 })).status, 200);
    await assert.rejects(
      Promise.resolve().then(() =>
        createApiHandlers(b.wb)['rewards:set']({ episodeId: b.wb.store.episodes.open('huge')!.id, value: -1e12 }),
      ),
      /within ±1000000000/,
    );
  });
});

test("the data dir is the user's alone, whatever the umask or the modes it had", async () => {
  const dir = tempDir();
  const old = process.umask(0o022);
  try {
    const data = join(dir.path, 'data');
    mkdirSync(join(data, 'logs'), { recursive: true, mode: 0o755 });
    writeFileSync(join(data, 'logs', 'gw-old.log'), 'old output', { mode: 0o644 });
    writeFileSync(join(data, 'settings.json'), '{}', { mode: 0o644 });
    const b = await startBench({ dataDir: data });
    try {
      await b.proxy('POST', '/session/p/turn', { message: 'write something' });
      await createApiHandlers(b.wb)['config:set']({ upstreamModel: 'm' });
      const mode = (p: string) => (statSync(join(data, p)).mode & 0o777).toString(8);
      assert.equal(mode('.'), '700');
      for (const f of [
        'trajscope.sqlite',
        'trajscope.sqlite-wal',
        'trajscope.sqlite-shm',
        'settings.json',
        'logs/gw-old.log',
      ]) {
        assert.equal(mode(f), '600', f);
      }
      assert.equal(mode('logs'), '700');
    } finally {
      await b.stop();
    }
  } finally {
    process.umask(old);
    dir.remove();
  }
});

test('keys are refused as command-line flags, with the env var or config key to use instead', () => {
  const cases: Array<[string, string]> = [
    ['--upstream-key', 'TRAJSCOPE_UPSTREAM_KEY'],
    ['--admin-key', 'TRAJSCOPE_ADMIN_KEY'],
  ];
  for (const [flag, env] of cases) {
    const r = spawnSync(process.execPath, ['electron/headless/cli.ts', 'serve', flag, 'sk-secret-value'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${flag} would put a secret on the command line.*set ${env}`));
    assert.ok(!r.stderr.includes('sk-secret-value'), 'the refusal does not echo the key');
  }
});
