import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analysis } from '../../../electron/core/analysis/service.ts';
import { EngineEvents } from '../../../electron/core/events.ts';
import { Store } from '../../../electron/core/store/store.ts';
import type { Alert } from '../../../shared/domain.ts';
import { sampleBody } from '../../helpers/samples.ts';
import { tempDir } from '../../helpers/workbench.ts';

const WORKER = new URL('../../../electron/core/analysis/worker.ts', import.meta.url);

/**
 * A session whose first turn asked about the weather, then a call of its second turn that feeds the
 * first one twice (a real capture): the detectors must raise double_feed on it.
 */
async function doubleFeed(store: Store, events: EngineEvents, analysis: Analysis) {
  store.sessions.ensure('tool-3', 'openclaw');
  const ep = store.episodes.insert({
    sessionKey: 'tool-3',
    taskId: null,
    metadata: {},
    upstreamKey: `sk-sess-${Math.random()}`,
    upstreamId: null,
  });
  const first = store.turns.insert({
    episodeId: ep.id,
    sessionKey: 'tool-3',
    message: "What's the weather in Paris?",
    historyLength: 0,
  });
  const reply = 'tool_call id=85ff0c902 name=get_weather arguments={"city":"Paris"}';
  events.emit('turns:changed', store.turns.finish(first.id, { status: 'ok', reply, toolCalls: [], error: null }));
  const turn = store.turns.insert({
    episodeId: ep.id,
    sessionKey: 'tool-3',
    message: 'Tool:85ff0c902: {"temp_c":21,"sky":"sunny"}',
    historyLength: 2,
  });
  const body = Buffer.from(JSON.stringify({ model: 'm', messages: sampleBody('double-feed-stable-key').messages }));
  const call = store.calls.insert({
    upstreamKey: ep.upstreamKey,
    sessionKey: 'tool-3',
    episodeId: ep.id,
    turnId: turn.id,
    path: '/v1/chat/completions',
    headers: {},
    body,
    startedAt: Date.now(),
  });
  analysis.analyzeCall(call, body);
  return { ep, call };
}

async function withAnalysis(
  worker: URL | string | null,
  heapMb: number | undefined,
  fn: (a: { store: Store; events: EngineEvents; analysis: Analysis; warnings: string[] }) => Promise<void>,
) {
  const dir = tempDir();
  const store = new Store(dir.path);
  const events = new EngineEvents();
  const warnings: string[] = [];
  const analysis = new Analysis(store, events, { dataDir: dir.path, worker, heapMb, warn: (m) => warnings.push(m) });
  try {
    await analysis.start();
    await fn({ store, events, analysis, warnings });
  } finally {
    await analysis.stop();
    store.close();
    dir.remove();
  }
}

test('on the worker thread: a double feed is found, stored once and announced; settled() waits for it', async () => {
  await withAnalysis(WORKER, undefined, async ({ store, events, analysis, warnings }) => {
    assert.equal(analysis.where, 'worker');
    const raised: Alert[] = [];
    events.on('alerts:raised', (a) => raised.push(a));
    const { ep, call } = await doubleFeed(store, events, analysis);
    await analysis.settled();
    const kinds = store.alerts.list({ episodeId: ep.id, limit: 50 }).items.map((a) => a.kind);
    assert.ok(kinds.includes('double_feed'), `double_feed raised (got ${kinds.join(', ')})`);
    assert.equal(raised.filter((a) => a.kind === 'double_feed' && a.callId === call.id).length, 1);
    assert.deepEqual(warnings, []);
  });
});

test('the same detectors on the engine thread when no worker can start (and it says so)', async () => {
  const dir = tempDir();
  try {
    const missing = join(dir.path, 'no-such-worker.mjs');
    await withAnalysis(missing, undefined, async ({ store, events, analysis, warnings }) => {
      assert.equal(analysis.where, 'engine thread');
      assert.match(warnings.join('\n'), /leak detectors run on the engine's thread/);
      const { ep } = await doubleFeed(store, events, analysis);
      await analysis.settled();
      const kinds = store.alerts.list({ episodeId: ep.id, limit: 50 }).items.map((a) => a.kind);
      assert.ok(kinds.includes('double_feed'), `double_feed raised (got ${kinds.join(', ')})`);
    });
  } finally {
    dir.remove();
  }
});

test('a worker that dies hands over to the engine thread: later calls are still analyzed', async () => {
  const dir = tempDir();
  try {
    // a worker that comes up, then exits at its first message
    const dying = join(dir.path, 'dying-worker.mjs');
    writeFileSync(
      dying,
      "import { parentPort } from 'node:worker_threads';\n" +
        "parentPort.postMessage('ready');\n" +
        "parentPort.once('message', () => process.exit(3));\n",
    );
    await withAnalysis(dying, undefined, async ({ store, events, analysis, warnings }) => {
      assert.equal(analysis.where, 'worker');
      await doubleFeed(store, events, analysis);
      await analysis.settled(); // released when the worker is lost, not left hanging
      assert.equal(analysis.where, 'engine thread');
      assert.match(warnings.join('\n'), /stopped; leak detectors now run on the engine's thread/);
      const { ep } = await doubleFeed(store, events, analysis);
      await analysis.settled();
      const kinds = store.alerts.list({ episodeId: ep.id, limit: 50 }).items.map((a) => a.kind);
      assert.ok(kinds.includes('double_feed'), `double_feed raised after the handover (got ${kinds.join(', ')})`);
    });
  } finally {
    dir.remove();
  }
});

test('a worker past its heap cap dies alone: the engine lives on and the engine thread analyzes', async () => {
  const dir = tempDir();
  try {
    // a worker that comes up, then holds ever more at its first message (content it cannot let go)
    const greedy = join(dir.path, 'greedy-worker.mjs');
    writeFileSync(
      greedy,
      "import { parentPort } from 'node:worker_threads';\n" +
        "parentPort.postMessage('ready');\n" +
        'const held = [];\n' +
        "parentPort.once('message', () => { for (;;) held.push(new Array(1e5).fill(Math.random())); });\n",
    );
    await withAnalysis(greedy, 32, async ({ store, events, analysis, warnings }) => {
      assert.equal(analysis.where, 'worker');
      await doubleFeed(store, events, analysis);
      await analysis.settled();
      assert.equal(analysis.where, 'engine thread');
      assert.match(warnings.join('\n'), /analysis worker failed: .*memory limit/);
      const { ep } = await doubleFeed(store, events, analysis);
      await analysis.settled();
      const kinds = store.alerts.list({ episodeId: ep.id, limit: 50 }).items.map((a) => a.kind);
      assert.ok(kinds.includes('double_feed'), `double_feed raised after the handover (got ${kinds.join(', ')})`);
    });
  } finally {
    dir.remove();
  }
});
