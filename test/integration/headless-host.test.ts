import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request, tempDir } from '../helpers/workbench.ts';

interface Ready {
  ui: string;
  api: string;
  proxy: string;
  upstream: string;
  adminKey: string;
  dataDir: string;
}

describe('trajscope serve: READY line, runtime.json, the token-protected workbench API and events, export', () => {
  const dir = tempDir();
  let child: ChildProcess;
  let ready: Ready;
  let token: string;
  const invoke = (channel: string, payload: unknown, t = token) =>
    request(`${ready.api}/api/invoke/${channel}`, 'POST', payload, { authorization: `Bearer ${t}` });

  before(async () => {
    child = spawn(
      process.execPath,
      ['electron/headless/cli.ts', 'serve', '--data-dir', dir.path, '--runtime', 'direct'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    ready = await new Promise<Ready>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /^TRAJSCOPE_READY (\{.*\})$/m.exec(out);
        if (m) resolve(JSON.parse(m[1]!));
      });
      child.once('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    token = new URL(ready.ui).searchParams.get('token')!;
  });
  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    dir.remove();
  });

  test('the READY line names every server on loopback; runtime.json the same without the UI token, mode 0600', () => {
    for (const url of [ready.ui, ready.api, ready.proxy, ready.upstream])
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(ready.dataDir, dir.path);
    const file = join(dir.path, 'runtime.json');
    const { startedAt, ...record } = JSON.parse(readFileSync(file, 'utf8'));
    // plus who holds the data dir: a second engine's refusal names it
    const ui = ready.ui.replace(/\?token=.*$/, '');
    assert.deepEqual(record, { ...ready, ui, pid: child.pid, startedBy: 'trajscope serve' });
    assert.ok(Math.abs(Date.now() - startedAt) < 120_000);
    assert.ok(!readFileSync(file, 'utf8').includes(token), 'the UI token is never written down');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('the API refuses a missing token, unknown channels and invalid payloads', async () => {
    assert.equal((await invoke('sessions:list', {}, 'wrong')).status, 401);
    assert.equal((await invoke('nope:never', {})).status, 404);
    const bad = await invoke('turns:send', { sessionKey: 'bad\u0007key', message: 'x' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /sessionKey/);
    assert.equal((await invoke('rewards:set', { episodeId: 'ep_x', value: 'NaN' })).status, 400);
  });

  test('events arrive batched over the WebSocket with the token, and never without it', async () => {
    const wsUrl = ready.api.replace('http', 'ws') + '/api/events';
    const refused = new WebSocket(wsUrl + '?token=wrong');
    const [ev] = await Promise.race([once(refused, 'error'), once(refused, 'close')]);
    assert.ok(ev);
    const ws = new WebSocket(`${wsUrl}?token=${token}`);
    await once(ws, 'open');
    const channels = new Set<string>();
    const got = new Promise<void>((resolve) =>
      ws.addEventListener('message', (m) => {
        for (const batch of JSON.parse(String(m.data))) channels.add(batch.channel);
        if (channels.has('turns:changed') && channels.has('calls:recorded') && channels.has('sessions:changed'))
          resolve();
      }),
    );
    const sent = await invoke('turns:send', { sessionKey: 'ui-session', message: 'hello from the UI' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.result.status, 'ok');
    await got;
    ws.close();
  });

  test('hand labels: rewards:set stores one, rewards:undo removes it; turns:get replays the history', async () => {
    const sessions = (await invoke('sessions:list', {})).body.result.items;
    const s = sessions.find((x: { key: string }) => x.key === 'ui-session');
    const episodeId = s.openEpisodeId;
    await invoke('turns:send', { sessionKey: 'ui-session', message: 'second' });
    const turns = (await invoke('turns:list', { episodeId })).body.result;
    const detail = (await invoke('turns:get', { turnId: turns[1].id })).body.result;
    assert.deepEqual(
      detail.history.map((m: { content: string }) => m.content.slice(0, 20)),
      ['hello from the UI', 'You said: "hello fro'],
    );
    const set = await invoke('rewards:set', { episodeId, value: 0.5, note: 'decent' });
    assert.equal(set.body.result.source, 'human');
    assert.equal(set.body.result.labeler, 'me');
    const ep = (await invoke('episodes:list', { sessionKey: 'ui-session' })).body.result.items[0];
    assert.equal(ep.reward, 0.5);
    const undo = await invoke('rewards:undo', { episodeId });
    assert.equal(undo.body.result.removed.id, set.body.result.id);
    assert.equal((await invoke('episodes:list', { sessionKey: 'ui-session' })).body.result.items[0].reward, null);
    await invoke('rewards:set', { episodeId, value: 1, rubric: 'helpful' });
    const call = (await invoke('calls:list', { episodeId })).body.result[0];
    const full = (await invoke('calls:get', { callId: call.id })).body.result;
    assert.equal(JSON.parse(full.requestBody).messages[0].content, 'hello from the UI');
  });

  test('export writes the same bytes twice, with the human reward and its rubric', () => {
    const run = (out: string) =>
      spawnSync(process.execPath, ['electron/headless/cli.ts', 'export', '--data-dir', dir.path, '--out', out], {
        encoding: 'utf8',
      });
    const a = join(dir.path, 'a.jsonl');
    const b = join(dir.path, 'b.jsonl');
    assert.equal(run(a).status, 0);
    assert.equal(run(b).status, 0);
    const bytes = readFileSync(a);
    assert.ok(bytes.length > 0);
    assert.ok(bytes.equals(readFileSync(b)));
    const lines = bytes
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual(Object.keys(lines[0]), [
      'episode_id',
      'session_key',
      'task_id',
      'group_id',
      'turn_index',
      'interaction_index',
      'interaction_id',
      'upstream_key',
      'request',
      'response',
      'tool_calls',
      'reward',
      'own_reward',
      'reward_scope',
      'reward_source',
      'labeler',
      'rubric',
      'note',
      'created_at',
      'session_origin',
      'outcome',
    ]);
    assert.deepEqual(
      lines.map((l) => [l.turn_index, l.reward, l.reward_source, l.rubric]),
      [
        [0, 1, 'human', 'helpful'],
        [1, 1, 'human', 'helpful'],
      ],
    );
    const bad = spawnSync(process.execPath, ['electron/headless/cli.ts', 'export'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^trajscope: required option '--data-dir <dir>' not specified/);
  });

  test('SIGINT stops every server, exits 0 and removes runtime.json', async () => {
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.equal(existsSync(join(dir.path, 'runtime.json')), false);
    await assert.rejects(fetch(`${ready.proxy}/health`));
  });
});

test('a taken port gives one clear line and exit 1, leaving nothing behind', async () => {
  const dir = tempDir();
  const { createServer } = await import('node:net');
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = spawnSync(
      process.execPath,
      [
        'electron/headless/cli.ts',
        'serve',
        '--data-dir',
        dir.path,
        '--runtime',
        'direct',
        '--proxy-port',
        String(port),
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /EADDRINUSE|port is taken/);
    assert.equal(existsSync(join(dir.path, 'runtime.json')), false);
  } finally {
    blocker.close();
    dir.remove();
  }
});
