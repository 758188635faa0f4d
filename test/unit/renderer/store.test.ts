import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventChannel, EventPayloads, InvokeChannel, WorkbenchApi } from '../../../shared/api.ts';
import type { Episode, SessionInfo } from '../../../shared/domain.ts';
import { createWorkbenchStore, labelList, labelQueue, visibleSessions } from '../../../renderer/src/store/store.ts';
import { syncStore } from '../../../renderer/src/store/sync.ts';
import { RUNTIME_CAPABILITIES } from '../../../shared/runtimes.ts';

function fakeApi(responses: Partial<Record<InvokeChannel, unknown>>) {
  const listeners = new Map<string, Array<(p: unknown) => void>>();
  const connected: Array<() => void> = [];
  const disconnected: Array<(why: 'unreachable' | 'other_run') => void> = [];
  const api: WorkbenchApi = {
    invoke: async (ch) => responses[ch] as never,
    on: <K extends EventChannel>(ch: K, l: (p: EventPayloads[K]) => void) => {
      listeners.set(ch, [...(listeners.get(ch) ?? []), l as (p: unknown) => void]);
      return () => {};
    },
    onConnected: (l) => {
      connected.push(l);
      return () => {};
    },
    onDisconnected: (l) => {
      disconnected.push(l);
      return () => {};
    },
    saveExport: async () => null,
  };
  return {
    api,
    emit: (ch: EventChannel, p: unknown) => listeners.get(ch)?.forEach((l) => l(p)),
    connect: () => connected.forEach((l) => l()),
    disconnect: () => disconnected.forEach((l) => l('unreachable')),
  };
}

const session = (key: string, createdAt: number, over: Partial<SessionInfo> = {}): SessionInfo => ({
  key,
  runtime: 'direct',
  capabilities: RUNTIME_CAPABILITIES.direct,
  origin: 'live',
  state: 'idle',
  createdAt,
  closedAt: null,
  episodeCount: 0,
  openEpisodeId: null,
  turnCount: 0,
  lastReward: null,
  alertCount: 0,
  toolErrorTurns: 0,
  callsWithTokenIds: 0,
  callsWithoutTokenIds: 0,
  gateway: null,
  ...over,
});
const episode = (id: string, over: Partial<Episode> = {}): Episode => ({
  id,
  sessionKey: 's',
  groupId: null,
  replayOf: null,
  index: 0,
  taskId: null,
  metadata: {},
  upstreamKey: 'k',
  upstreamId: null,
  status: 'ended',
  startedAt: 0,
  endedAt: 1,
  reward: null,
  rewardSource: null,
  turnCount: 1,
  callCount: 1,
  ...over,
});
const page = <T>(items: T[]) => ({ items, next: null });

const running = {
  id: 'run_1',
  kind: 'lab' as const,
  title: 'Lab: clean',
  step: 'starting',
  done: null,
  total: null,
  startedAt: 1,
  endedAt: null,
  error: null,
};

test('the store loads a snapshot, then mirrors engine events', async () => {
  const { api, emit } = fakeApi({
    'app:info': {
      version: 'x',
      gateways: { alive: 1, rssBytes: 1e9, pooled: 1, lab: 0, underPressure: 0, unmeasured: 0 },
      health: { down: [] },
    },
    'settings:get': { theme: 'dark' },
    'config:get': { values: {} },
    'sessions:list': page([session('a', 1)]),
    'alerts:list': page([]),
    'progress:list': [running],
  });
  const store = createWorkbenchStore(api);
  await syncStore(store);
  assert.deepEqual(Object.keys(store.getState().sessions), ['a']);
  emit('sessions:changed', session('b', 2, { state: 'busy' }));
  emit('sessions:changed', session('a', 1, { turnCount: 3 }));
  assert.equal(store.getState().sessions.a!.turnCount, 3);
  emit('episodes:changed', episode('e2', { index: 1 }));
  emit('episodes:changed', episode('e1', { index: 0 }));
  emit('episodes:changed', episode('e2', { index: 1, reward: 1 }));
  assert.deepEqual(
    store.getState().episodes.s!.map((e) => [e.id, e.reward]),
    [
      ['e1', null],
      ['e2', 1],
    ],
  );
  // ended episodes join the labeling queue once, in the order they ended; a label does not reorder it
  assert.deepEqual(store.getState().queue, ['e2', 'e1']);
  emit('episodes:changed', episode('e1', { index: 0, rewardSource: 'human', reward: 1 }));
  assert.deepEqual(store.getState().queue, ['e2', 'e1']);
  // one that ends already labeled (an import) is not work to do: it is browsed, not queued
  emit('episodes:changed', episode('e3', { index: 2, rewardSource: 'human', reward: 0 }));
  assert.deepEqual(store.getState().queue, ['e2', 'e1']);
  emit('config:changed', { values: { upstreamUrl: 'http://m/v1' } });
  assert.deepEqual(store.getState().config, { values: { upstreamUrl: 'http://m/v1' } });
  emit('notices:raised', { level: 'warning', message: 'warm pool: no port', at: 1 });
  assert.deepEqual(store.getState().notice, { text: 'warm pool: no port', kind: 'warning', seq: 1 });
  // gateways, the engine's health and long work: from the snapshot, then live
  assert.equal(store.getState().gateways?.alive, 1);
  emit('gateways:stats', { alive: 2, rssBytes: 2e9, pooled: 0, lab: 1, underPressure: 0, unmeasured: 0 });
  assert.equal(store.getState().gateways?.alive, 2);
  assert.deepEqual(store.getState().health, { down: [] });
  emit('engine:health', { down: [{ part: 'store', why: 'disk full', at: 2 }] });
  assert.equal(store.getState().health.down[0]?.part, 'store');
  assert.equal(store.getState().progress.run_1?.step, 'starting');
  emit('progress:changed', { ...running, step: 'pass', endedAt: 5 });
  assert.deepEqual([store.getState().progress.run_1?.step, store.getState().progress.run_1?.endedAt], ['pass', 5]);
});

test('each (re)connect of the event stream loads the snapshot again; an event during the load wins', async () => {
  const responses: Partial<Record<InvokeChannel, unknown>> = {
    'app:info': {
      version: 'x',
      gateways: { alive: 1, rssBytes: 1e9, pooled: 1, lab: 0, underPressure: 0, unmeasured: 0 },
      health: { down: [] },
    },
    'progress:list': [],
    'settings:get': { theme: 'dark' },
    'config:get': { values: {} },
    'sessions:list': page([session('a', 1), session('gone', 2)]),
    'alerts:list': page([]),
  };
  const { api, emit, connect, disconnect } = fakeApi(responses);
  const store = createWorkbenchStore(api);
  await syncStore(store);
  assert.equal(store.getState().syncs, 1);
  assert.deepEqual(Object.keys(store.getState().sessions).sort(), ['a', 'gone']);
  assert.equal(store.getState().connection.up, true);
  disconnect();
  assert.equal(store.getState().connection.up, false, 'a lost engine is shown as lost');
  // while the stream was down: 'imported' was created, 'gone' removed, 'a' busy; no event came
  let answer: (v: unknown) => void = () => {};
  const held = new Promise((r) => (answer = r));
  api.invoke = (async (ch: InvokeChannel) => (ch === 'sessions:list' ? held : responses[ch])) as WorkbenchApi['invoke'];
  connect();
  // an event that arrives while the reload is in flight is newer than what the reload read
  emit('sessions:changed', session('a', 1, { state: 'idle', turnCount: 7 }));
  answer(page([session('a', 1, { state: 'busy' }), session('imported', 3, { origin: 'imported' })]));
  await held;
  await new Promise((r) => setImmediate(r));
  const st = store.getState();
  assert.equal(st.syncs, 2);
  assert.equal(st.connection.up, true, 'back once the stream is');
  assert.deepEqual(Object.keys(st.sessions).sort(), ['a', 'imported']);
  assert.equal(st.sessions.a!.turnCount, 7, 'the event during the load is kept');
  assert.equal(st.sessions.imported!.origin, 'imported');

  // the same for the engine-wide values: a part that stopped during a reload stays said
  let answerInfo: (v: unknown) => void = () => {};
  const heldInfo = new Promise((r) => (answerInfo = r));
  api.invoke = (async (ch: InvokeChannel) => (ch === 'app:info' ? heldInfo : responses[ch])) as WorkbenchApi['invoke'];
  connect();
  const down = { down: [{ part: 'upstream-recorder', why: 'its server closed unexpectedly', at: 5 }] };
  emit('engine:health', down);
  emit('config:changed', { values: { upstreamUrl: 'http://newer/v1' } });
  answerInfo(responses['app:info']);
  await heldInfo;
  await new Promise((r) => setImmediate(r));
  assert.equal(store.getState().syncs, 3);
  assert.deepEqual(store.getState().health, down, 'the health event during the load is kept');
  assert.deepEqual(store.getState().config, { values: { upstreamUrl: 'http://newer/v1' } });
});

test('visible sessions: newest first, filtered by key or state', () => {
  const sessions = { a: session('alpha', 1), b: session('beta', 2, { state: 'crashed' }) };
  assert.deepEqual(
    visibleSessions({ sessions, filter: '' }).map((s) => s.key),
    ['beta', 'alpha'],
  );
  assert.deepEqual(
    visibleSessions({ sessions, filter: 'ALP' }).map((s) => s.key),
    ['alpha'],
  );
  assert.deepEqual(
    visibleSessions({ sessions, filter: 'crash' }).map((s) => s.key),
    ['beta'],
  );
});

test('the labeling queue holds the ended episodes no one labeled, oldest first; browsing holds the labeled', () => {
  const all = [
    episode('labeled', { startedAt: 1, rewardSource: 'human', reward: 1 }),
    episode('open', { status: 'open', startedAt: 0 }),
    episode('late', { startedAt: 5 }),
    episode('early', { startedAt: 2, rewardSource: 'api', reward: 0 }),
  ];
  assert.deepEqual(
    labelQueue(all).map((e) => e.id),
    ['early', 'late'],
  );
  const episodes = { s: all };
  assert.deepEqual(labelList({ labelMode: 'queue', queue: ['late'], episodes }), ['late']);
  assert.deepEqual(labelList({ labelMode: 'browse', queue: ['late'], episodes }), ['labeled']);
});
