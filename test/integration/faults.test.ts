import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Store } from '../../electron/core/store/store.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startHost } from '../helpers/host.ts';
import { request, snapshot, startBench, tempDir, until, type TestBench } from '../helpers/workbench.ts';

describe('upstream faults reach the caller as clear 502/504 and the turn is recorded as failed', () => {
  let b: TestBench;
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream();
    b = await startBench(
      { upstreamUrl: fake.url, upstreamModel: 'fake-model' },
      { upstreamTimeouts: { connectMs: 1000, headersMs: 500, bodyMs: 500 } },
    );
  });
  after(async () => {
    await b.stop();
    await fake.stop();
  });

  async function failingTurn(session: string, message: string, status: number, pattern: RegExp) {
    await b.proxy('POST', `/session/${session}/turn`, { message: 'fine first' });
    const historyBefore = (await b.proxy('GET', `/session/${session}/history`)).body.history;
    const r = await b.proxy('POST', `/session/${session}/turn`, { message });
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(r.body.error.message, pattern);
    const ep = b.wb.store.episodes.open(session)!;
    const turn = b.wb.store.turns.list(ep.id).at(-1)!;
    assert.equal(turn.status, 'failed');
    assert.match(turn.error!, pattern);
    assert.deepEqual(
      (await b.proxy('GET', `/session/${session}/history`)).body.history,
      historyBefore,
      'a failed turn adds nothing to history',
    );
    const call = b.wb.store.calls.list({ turnId: turn.id }).at(-1)!;
    assert.ok(call.endedAt !== null && call.error !== null, 'the failed call is recorded with its error');
    return call;
  }

  test('upstream answers 500 → 502', async () => {
    const call = await failingTurn('f500', 'please fail500', 502, /500/);
    assert.equal(call.status, 500);
  });
  test('upstream too slow → 504', async () => {
    const call = await failingTurn('slow', 'be slow', 504, /timed out/);
    assert.equal(call.status, 504);
  });
  test('garbled SSE → 502', async () =>
    void (await failingTurn('garbled', 'garble it', 502, /malformed|no valid chunk/)));
  test('stream cut short → 502', async () =>
    void (await failingTurn('trunc', 'truncate it', 502, /before .*complete/)));

  test('a reply that is not text (bad UTF-8, a lone surrogate) is marked malformed, never complete', async () => {
    for (const [session, pattern] of [
      ['badutf8', /not valid UTF-8/],
      ['lonesurrogate', /lone UTF-16 surrogate/],
    ] as const) {
      const r = await b.proxy('POST', `/session/${session}/turn`, { message: `send ${session}` });
      assert.equal(r.status, 200, 'the agent still gets its answer');
      const ep = b.wb.store.episodes.open(session)!;
      const call = b.wb.store.calls.list({ episodeId: ep.id }).at(-1)!;
      assert.equal(call.outcome, 'malformed', session);
      assert.match(call.error!, pattern);
    }
  });

  test('a lone surrogate the agent sent is exported as U+FFFD on a line jq reads, marked repaired', async () => {
    const r = await b.proxy('POST', '/session/surrogate/turn', { message: 'half a character: \ud800 here' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    b.wb.store.commit();
    const ep = b.wb.store.episodes.open('surrogate')!;
    const out = spawnSync(
      process.execPath,
      // the fake model echoes the half character back, so its reply is malformed: written with --include-failed
      [
        'electron/headless/cli.ts',
        'export',
        '--data-dir',
        b.dir,
        '--episodes',
        ep.id,
        '--include-failed',
        '--unlabeled',
        'null',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(out.status, 0, out.stderr);
    const jq = spawnSync('jq', ['-c', '.'], { input: out.stdout, encoding: 'utf8' });
    assert.equal(jq.status, 0, jq.stderr);
    const row = JSON.parse(out.stdout);
    assert.equal(row.text_repaired, true);
    assert.equal(row.request.messages.at(-1).content, 'half a character: \ufffd here');
    assert.equal(row.outcome, 'malformed');
    assert.match(row.response.content, /\ufffd/);
  });

  test('upstream down → 502', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = await startBench({ upstreamUrl: `http://127.0.0.1:${port}/v1` });
    try {
      const r = await down.proxy('POST', '/session/down/turn', { message: 'anyone?' });
      assert.equal(r.status, 502);
      assert.match(r.body.error.message, /refused/);
      assert.equal(down.wb.store.turns.list(down.wb.store.episodes.open('down')!.id)[0]!.status, 'failed');
    } finally {
      await down.stop();
    }
  });

  test('the OpenAI front doors return the same clear status when the turn fails before any output', async () => {
    const before = snapshot(b.wb);
    const r = await b.proxy(
      'POST',
      '/v1/chat/completions',
      { model: 'm', stream: true, messages: [{ role: 'user', content: 'fail500' }] },
      { 'x-areal-session-key': 'door-fail' },
    );
    assert.equal(r.status, 502);
    assert.notEqual(snapshot(b.wb), before, 'the failed turn itself is recorded');
  });
});

test('SIGKILL of the host mid-turn, then a restart: acknowledged work is there, the half turn failed', async () => {
  const fake = await startFakeUpstream();
  const dir = tempDir();
  let host = await startHost(dir.path, ['--upstream-url', fake.url, '--runtime', 'direct']);
  try {
    const r1 = host.ready;
    const auth = { authorization: `Bearer ${r1.adminKey}` };
    const t1 = await request(`${r1.proxy}/session/k/turn`, 'POST', { message: 'first' }, auth);
    assert.equal(t1.status, 200);
    const rw = await request(`${r1.proxy}/session/k/reward`, 'POST', { reward: 0.75, note: 'acknowledged' }, auth);
    assert.equal(rw.status, 200);
    const seen = fake.requests.length;
    const hanging = request(`${r1.proxy}/session/k/turn`, 'POST', { message: 'hang here' }, auth).catch((e) => e);
    await until('the hanging call to reach the upstream', () => fake.requests.length > seen);
    host.child.kill('SIGKILL');
    await once(host.child, 'exit');
    await hanging;

    host = await startHost(dir.path, ['--upstream-url', fake.url, '--runtime', 'direct']);
    const r2 = host.ready;
    const auth2 = { authorization: `Bearer ${r2.adminKey}` };
    const hist = await request(`${r2.proxy}/session/k/history`, 'GET', undefined, auth2);
    assert.deepEqual(
      hist.body.history.map((m: { content: string }) => m.content),
      ['first', 'Echo: first'],
    );
    host.child.kill('SIGTERM');
    const [code] = await once(host.child, 'exit');
    assert.equal(code, 0, 'SIGTERM stops cleanly with exit 0');

    const store = new Store(dir.path);
    try {
      const ep = store.episodes.open('k')!;
      const turns = store.turns.list(ep.id);
      assert.deepEqual(
        turns.map((t) => t.status),
        ['ok', 'failed'],
      );
      assert.match(turns[1]!.error!, /host stopped/);
      const rewards = store.rewards.list(ep.id);
      assert.deepEqual(
        rewards.map((r) => [r.value, r.note]),
        [[0.75, 'acknowledged']],
      );
      const calls = store.calls.list({ turnId: turns[1]!.id });
      assert.equal(calls.length, 1);
      assert.match(calls[0]!.error!, /host stopped/);
    } finally {
      store.close();
    }
  } finally {
    if (host.child.exitCode === null) host.child.kill('SIGKILL');
    await fake.stop();
    dir.remove();
  }
});

test('under load, SIGKILL right after answers: every acknowledged turn is on disk (group commit)', async () => {
  const dir = tempDir();
  const acked: Array<{ turnId: string; message: string }> = [];
  try {
    // three kills on one data dir: each round's acknowledged turns must survive, and the next start recovers
    for (let round = 0; round < 3; round++) {
      const host = await startHost(dir.path, ['--runtime', 'direct']);
      const { proxy, adminKey } = host.ready;
      const auth = { authorization: `Bearer ${adminKey}` };
      const before = acked.length;
      let stop = false;
      try {
        // 16 sessions sending turns back to back: concurrent turns share commits
        const workers = Array.from({ length: 16 }, async (_, w) => {
          for (let t = 0; !stop; t++) {
            const message = `round ${round} worker ${w} turn ${t}`;
            const r = await request(`${proxy}/session/load-${round}-${w}/turn`, 'POST', { message }, auth).catch(
              () => null, // cut off by the kill: never acknowledged
            );
            if (r?.status === 200) acked.push({ turnId: r.body.metadata.turn_id, message });
            if (!r) return;
          }
        });
        await until('turns to be acknowledged under load', () => acked.length - before >= 200, 30_000);
        host.child.kill('SIGKILL');
        stop = true;
        await once(host.child, 'exit');
        await Promise.all(workers);
      } finally {
        if (host.child.exitCode === null) host.child.kill('SIGKILL');
      }
    }
    const store = new Store(dir.path);
    try {
      const missing = acked.filter((a) => store.turns.get(a.turnId)?.status !== 'ok');
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged turns were lost`);
      for (const a of acked) {
        const turn = store.turns.get(a.turnId)!;
        assert.equal(turn.message, a.message);
        const history = store.turns.storedHistory(turn.episodeId);
        assert.ok(
          history.some((m) => m.role === 'user' && m.content === a.message),
          `the acknowledged turn "${a.message}" is in its episode's history`,
        );
      }
    } finally {
      store.close();
    }
  } finally {
    dir.remove();
  }
});
