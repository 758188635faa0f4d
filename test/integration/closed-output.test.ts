// The process never dies of its own output: `serve 2>&1 | head -n 2` leaves the engine writing to
// a pipe nobody reads. After its READY line both of its output pipes are closed here; then it is
// made to warn (a group whose turns fail on an upstream that is down) and to answer a malformed
// URL — and it must still serve.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { request, tempDir, until } from '../helpers/workbench.ts';

test('with stdout and stderr closed by their reader, warnings do not kill the engine; GET /% is a 400', async () => {
  const dir = tempDir();
  const child = spawn(
    process.execPath,
    [
      'electron/headless/cli.ts',
      'serve',
      '--data-dir',
      dir.path,
      '--runtime',
      'direct',
      '--upstream-url',
      'http://127.0.0.1:9/v1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const ready = await new Promise<{ ui: string; api: string; proxy: string }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /TRAJSCOPE_READY (\{.*\})\n/.exec(out);
        if (m) resolve(JSON.parse(m[1]!));
      });
      child.once('exit', (c) => reject(new Error(`host exited ${c}`)));
    });
    // the reader goes away, as `head` does after two lines
    child.stdout!.destroy();
    child.stderr!.destroy();
    const token = new URL(ready.ui).searchParams.get('token')!;
    const invoke = (channel: string, payload: unknown) =>
      request(`${ready.api}/api/invoke/${channel}`, 'POST', payload, { authorization: `Bearer ${token}` });
    const started = await invoke('groups:start', { messages: ['hello'], size: 2 });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    // each rollout fails on the dead upstream, and the engine warns about it (to stderr and the UI)
    await until(
      'the rollouts failed',
      async () => {
        const g = await invoke('groups:get', { groupId: started.body.result.groupId });
        return g.body.result.rollouts?.every?.(
          (r: { turns: { status: string }[] }) => r.turns?.[0]?.status === 'failed',
        );
      },
      30_000,
    );
    const bad = await fetch(`${ready.api}/%`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /malformed path/);
    for (let i = 0; i < 20; i++) await fetch(`${ready.api}/%E0%A4%A`);
    assert.equal(child.exitCode, null, 'the engine is still running');
    assert.equal((await fetch(`${ready.proxy}/health`)).status, 200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, 'and it still stops cleanly');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    dir.remove();
  }
});
