// The hub's check across hosts (hub/cross-host.ts): a leftover of one host is raised on it when
// another host's session said it — also when that is told a little after the leftover is read —
// never for what only its own host said, and a host that does not answer holds no one up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InvokeRequest } from '../../../shared/api.ts';
import type { Turn } from '../../../shared/domain.ts';
import type { ForeignContent } from '../../../shared/hosts.ts';
import { Shingles } from '../../../electron/core/analysis/fingerprint.ts';
import { CrossHostCheck, type CrossHostSource } from '../../../electron/core/hub/cross-host.ts';

const SECRET = 'the launch code for project heron is seven two nine alpha';

function turn(id: string, sessionKey: string, message: string): Turn {
  return {
    id,
    episodeId: `ep-${id}`,
    sessionKey,
    index: 0,
    status: 'ok',
    message,
    reply: 'ok',
    historyLength: 0,
    toolCalls: [],
    toolErrors: 0,
    error: null,
    startedAt: 1,
    endedAt: 2,
    callCount: 1,
    metadata: {},
    inferred: false,
  };
}

function leftover(seq: number, text: string): ForeignContent {
  return {
    seq,
    callId: `call-${seq}`,
    sessionKey: 's-b',
    episodeId: 'ep-b',
    turnId: null,
    at: 1,
    parts: [{ text, hashes: [...new Shingles(text).starts.keys()] }],
  };
}

function host(name: string, items: ForeignContent[], dead = false, said: Turn[] = []) {
  const raised: Array<InvokeRequest<'alerts:cross-host'>> = [];
  const source: CrossHostSource = {
    name,
    turns: async () => ({ items: said, next: null }),
    foreign: async (after) => {
      if (dead) throw new Error('no answer');
      const left = items.filter((i) => i.seq > after);
      return { items: left, last: left.at(-1)?.seq ?? after };
    },
    raise: async (req) => raised.push(req),
  };
  return { source, raised };
}

/** A poll once every host's recent turns are read (the first poll starts reading them). */
async function poll(check: CrossHostCheck): Promise<number> {
  await check.poll();
  await new Promise((r) => setImmediate(r));
  return check.poll();
}

test('raised on the host of the call, naming the other host and session; once', async () => {
  const a = host('node-a', []);
  const b = host('node-b', [leftover(1, `note: ${SECRET}`)]);
  const check = new CrossHostCheck(() => [a.source, b.source]);
  check.learn('node-a', turn('t-a', 's-a', SECRET));
  assert.equal(await poll(check), 1);
  assert.deepEqual(
    b.raised.map((r) => [r.callId, r.sourceHost, r.sourceSessionKey, r.sourceTurnId]),
    [['call-1', 'node-a', 's-a', 't-a']],
  );
  assert.match(b.raised[0]!.spans[0]!, /launch code for project heron/);
  assert.equal(await check.poll(), 0, 'read once');
  assert.equal(a.raised.length, 0);
});

test('content its own host said, or nobody said, is no finding; the source told later still is', async () => {
  const b = host('node-b', [leftover(1, `note: ${SECRET}`), leftover(2, 'words nobody on any host has said')]);
  const a = host('node-a', []);
  const check = new CrossHostCheck(() => [a.source, b.source]);
  check.learn('node-b', turn('t-b', 's-b2', SECRET)); // said on node-b itself: its own detectors' business
  assert.equal(await poll(check), 0);
  check.learn('node-a', turn('t-a', 's-a', SECRET)); // told after the leftover was read
  assert.equal(await check.poll(), 1);
  assert.equal(b.raised[0]!.sourceHost, 'node-a');
  for (let i = 0; i < 3; i++) await check.poll();
  assert.equal(b.raised.length, 1);
});

test('a host that does not answer is skipped and read from where it was once it answers', async () => {
  const items = [leftover(1, `note: ${SECRET}`)];
  let dead = true;
  const b = host('node-b', items);
  const flaky: CrossHostSource = {
    ...b.source,
    foreign: (after) => (dead ? Promise.reject(new Error('down')) : b.source.foreign(after)),
  };
  const a = host('node-a', []);
  const check = new CrossHostCheck(() => [a.source, flaky]);
  check.learn('node-a', turn('t-a', 's-a', SECRET));
  assert.equal(await poll(check), 0);
  dead = false;
  assert.equal(await check.poll(), 1);
});

test('what a host said before the hub heard it is read first, then matched', async () => {
  const a = host('node-a', [], false, [turn('t-old', 's-a', SECRET)]);
  const b = host('node-b', [leftover(1, `note: ${SECRET}`)]);
  const check = new CrossHostCheck(() => [a.source, b.source]);
  assert.equal(await check.poll(), 0, 'nothing matched while the hosts are read');
  await new Promise((r) => setImmediate(r));
  assert.equal(await check.poll(), 1);
  assert.equal(b.raised[0]!.sourceTurnId, 't-old');
});
