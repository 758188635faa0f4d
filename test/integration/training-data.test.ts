// Nothing wrong reaches the training data, and nothing is lost: broken, truncated and malformed
// upstream answers are recorded as failed calls and never exported as samples; exports reach a
// slow pipe whole; a closed session's turn is cancelled; over-deep JSON is refused before storage.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiHandlers } from '../../electron/core/api/handlers.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { request, snapshot, startBench, until, type TestBench } from '../helpers/workbench.ts';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['electron/headless/cli.ts', ...args], { encoding: 'utf8' });
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('failed upstream calls are recorded truthfully and never become training data', () => {
  let b: TestBench;
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream();
    b = await startBench({ upstreamUrl: fake.url, upstreamModel: 'fake-model' });
  });
  after(async () => {
    await b.stop();
    await fake.stop();
  });

  test('a stream broken after one chunk: turn 502, a "truncated" call with what arrived, in no export', async () => {
    const good = await b.proxy('POST', '/session/broken/turn', { message: 'fine' });
    assert.equal(good.status, 200);
    const bad = await b.proxy('POST', '/session/broken/turn', { message: 'please break' });
    assert.equal(bad.status, 502);
    const episodeId = good.body.metadata.episode_id;
    const calls = b.wb.store.calls.details(episodeId);
    assert.deepEqual(
      calls.map((c) => c.outcome),
      ['complete', 'truncated'],
    );
    const broken = calls[1]!;
    assert.equal(broken.response?.text, 'partial answer ', 'what arrived is kept for inspection');
    assert.match(broken.error!, /before|broke|terminated|closed/);
    await b.proxy('POST', '/session/broken/episode/end', { reward: 1 });

    const lines = cli('export', '--data-dir', b.dir)
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const mine = lines.filter((l) => l.episode_id === episodeId);
    assert.deepEqual(
      mine.map((l) => [l.response.content, l.outcome, l.reward]),
      [['Echo: fine', 'complete', 1]],
      'the truncated call is not a sample; the reward lands on the complete one',
    );
    const marked = cli('export', '--data-dir', b.dir, '--include-failed')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const failed = marked.filter((l) => l.episode_id === episodeId && l.outcome !== 'complete');
    assert.deepEqual(
      failed.map((l) => [l.outcome, l.reward, l.reward_source, l.response.content]),
      [['truncated', null, null, 'partial answer ']],
    );
    const traj = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_id: episodeId },
      {
        authorization: `Bearer ${b.wb.adminKey}`,
      },
    );
    assert.deepEqual(
      Object.values(traj.body.interactions).map((i) => (i as { response: { content: string } }).response.content),
      ['Echo: fine'],
    );
  });

  test('a plain JSON answer to a streaming request is a malformed call, not a sample', async () => {
    const r = await b.proxy('POST', '/session/jsonstream/turn', { message: 'jsonstream please' });
    assert.equal(r.status, 502);
    assert.match(r.body.error.message, /malformed stream/);
    const call = b.wb.store.calls.details(b.wb.store.episodes.open('jsonstream')!.id)[0]!;
    assert.equal(call.outcome, 'malformed');
    assert.equal(call.status, 200, 'the status is what the upstream answered');
    assert.match(call.error!, /plain JSON body/);
  });

  test('closing a session mid-turn cancels the turn: the upstream call is aborted, no history grows', async () => {
    await b.proxy('POST', '/session/closing/turn', { message: 'before' });
    const episodeId = b.wb.store.episodes.open('closing')!.id;
    const seen = fake.requests.length;
    const t0 = Date.now();
    const pending = b.proxy('POST', '/session/closing/turn', { message: 'hang forever' });
    await until("the turn's call to reach the upstream", () => fake.requests.length > seen);
    const closed = await b.proxy('POST', '/session/closing/close');
    assert.equal(closed.status, 200);
    const r = await pending;
    assert.equal(r.status, 409);
    assert.match(r.body.error.message, /cancelled: session closing was closed/);
    assert.ok(Date.now() - t0 < 10_000, 'the hung call did not run its course');
    const turns = b.wb.store.turns.list(episodeId);
    assert.deepEqual(
      turns.map((t) => t.status),
      ['ok', 'cancelled'],
      'stored as cancelled before close answered',
    );
    assert.equal(b.wb.store.turns.history(episodeId).length, 2, 'only the first turn is in the history');
    const calls = b.wb.store.calls.list({ episodeId });
    assert.equal(calls.at(-1)!.outcome, 'cancelled');
    assert.equal(b.wb.store.episodes.get(episodeId)!.status, 'ended');
  });

  test('JSON nested deeper than 512 levels: 400 before anything is stored, on every surface', async () => {
    const start = await b.proxy('POST', '/session/deep/episode/start', {});
    const key = start.body.session_api_key;
    const before = snapshot(b.wb);
    const chat = `{"messages":[{"role":"user","content":"x"}],"extra":${deep(100_000)}}`;
    const rec = await request(`${b.wb.recorder.url}/chat/completions`, 'POST', chat, {
      authorization: `Bearer ${key}`,
    });
    assert.equal(rec.status, 400);
    assert.match(rec.body.error.message, /nested deeper than 512 levels/);
    const meta = await b.proxy('POST', '/session/deeper/episode/start', `{"metadata":{"x":${deep(100_000)}}}`);
    assert.equal(meta.status, 400);
    assert.equal(snapshot(b.wb), before, 'no call, no session row');
    const api = createApiHandlers(b.wb);
    let value: unknown = {};
    for (let i = 0; i < 2000; i++) value = { a: value };
    const { invokeChannel } = await import('../../electron/core/api/handlers.ts');
    await assert.rejects(invokeChannel(api, 'config:set', { openclawConfig: value }), /nested deeper than 512 levels/);
    assert.equal(b.wb.config.sourceOf('openclawConfig'), undefined, 'the overlay was not saved');
    const ok = await request(
      `${b.wb.recorder.url}/chat/completions`,
      'POST',
      `{"messages":[{"role":"user","content":"x"}],"extra":${deep(100)}}`,
      {
        authorization: `Bearer ${key}`,
      },
    );
    assert.equal(ok.status, 200, 'sane nesting still passes');
  });
});

test('export to a slow pipe delivers every byte; a closed pipe is an error, exit 1', { timeout: 120_000 }, async () => {
  const b = await startBench();
  try {
    await b.proxy('POST', '/session/big/turn', { message: 'm'.repeat(2 * 1024 * 1024) });
    await b.proxy('POST', '/session/big/turn', { message: 'and again' });
  } finally {
    await b.wb.stop();
  }
  try {
    const file = join(b.dir, 'all.jsonl');
    assert.equal(cli('export', '--data-dir', b.dir, '--out', file, '--unlabeled', 'null').status, 0);
    const expected = readFileSync(file);
    assert.ok(expected.length > 4 * 1024 * 1024);
    // a reader that stalls first: the pipe fills and the exporter must wait for it, not exit
    const child = spawn(
      process.execPath,
      ['electron/headless/cli.ts', 'export', '--data-dir', b.dir, '--unlabeled', 'null'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pause();
    // paused, our side stops reading once its buffer is full; then the OS pipe fills and the
    // exporter's writes block
    await until(
      'the paused reader to fill up',
      () => child.stdout.readableLength >= child.stdout.readableHighWaterMark,
      30_000,
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.resume();
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.ok(Buffer.concat(chunks).equals(expected), `all ${expected.length} bytes arrived`);
    // a reader that goes away: the export fails loudly
    const early = spawn(
      process.execPath,
      ['electron/headless/cli.ts', 'export', '--data-dir', b.dir, '--unlabeled', 'null'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    early.stderr.on('data', (d) => (stderr += d));
    early.stdout.once('data', () => early.stdout.destroy());
    const [earlyCode] = await once(early, 'exit');
    assert.equal(earlyCode, 1);
    assert.match(stderr, /output was closed before the export finished/);
  } finally {
    await b.stop();
  }
});

test('a call stored too deep before the limit existed: export skips it with a warning, writes the rest', async () => {
  const b = await startBench();
  try {
    const r = await b.proxy('POST', '/session/legacy/turn', { message: 'normal' });
    const ep = r.body.metadata.episode_id;
    const call = b.wb.store.calls.insert({
      upstreamKey: b.wb.store.episodes.get(ep)!.upstreamKey,
      sessionKey: 'legacy',
      episodeId: ep,
      turnId: null,
      path: '/v1/chat/completions',
      headers: {},
      body: Buffer.from(`{"messages":[],"x":${deep(100_000)}}`),
      startedAt: Date.now(),
    });
    const summary = {
      id: null,
      model: null,
      text: 'x',
      reasoning: '',
      toolCalls: [],
      finishReason: 'stop',
      usage: null,
      logprobs: null,
      tokenIds: null,
      chunkCount: 1,
      malformedChunks: 0,
      streamed: false,
    };
    b.wb.store.calls.finish(call, {
      status: 200,
      outcome: 'complete',
      error: null,
      response: summary,
      rawResponse: null,
      firstByteAt: null,
      endedAt: Date.now(),
    });
    await b.wb.stop();
    const out = cli('export', '--data-dir', b.dir, '--unlabeled', 'null');
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout.trim().split('\n').length, 1);
    assert.match(out.stderr, new RegExp(`export skipped call ${call.id}: Maximum call stack`));
  } finally {
    await b.stop();
  }
});
