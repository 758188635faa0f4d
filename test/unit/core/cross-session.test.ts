import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Turn } from '../../../shared/domain.ts';
import { ContentIndex, WORKBENCH_REALM } from '../../../electron/core/analysis/content-index.ts';
import { crossSession } from '../../../electron/core/analysis/detectors/cross-session.ts';
import { Shingles } from '../../../electron/core/analysis/fingerprint.ts';

const turn = (sessionKey: string, id: string, message: string, reply: string, args?: string): Turn =>
  ({
    id,
    sessionKey,
    episodeId: `ep-${sessionKey}`,
    message,
    reply,
    toolCalls: args ? [{ id: 'c', index: 0, name: 'write', arguments: args }] : [],
  }) as unknown as Turn;

const codeword =
  '{"path":"AGENTS.md","content":"The codeword agreed with the user is PELICAN-7431 from the first episode."}';

function check(
  index: ContentIndex,
  system: string,
  own: string[] = [],
  baseline: Set<number> | null = null,
  realm = WORKBENCH_REALM,
) {
  const ownHashes = new Set(own.flatMap((t) => [...new Shingles(t).starts.keys()]));
  return crossSession(index, {
    sessionKey: 'bob',
    realm,
    system: new Shingles(system),
    unexplained: [],
    isOwn: (h) => ownHashes.has(h),
    baselineOf: () => baseline,
    scope: 't1',
  });
}

test("another session's tool output in the system prompt is found, with its source", () => {
  const index = new ContentIndex();
  index.learn(turn('alice', 'ta', 'Please remember the codeword for later.', 'Noted the codeword.', codeword));
  const [f] = check(
    index,
    'You are an assistant. The codeword agreed with the user is PELICAN-7431 from the first episode.',
  );
  assert.equal(f?.kind, 'cross_session');
  assert.match(f!.evidence[0]!.text, /pelican 7431/);
  assert.equal(f!.evidence[0]!.sourceTurnId, 'ta');
  assert.match(f!.message, /session alice reached session bob/);
});

test('the same task in two sessions is each one’s own; a quoted static prompt is not a leak', () => {
  const index = new ContentIndex();
  const task = 'What is the weather in Paris this weekend, please?';
  index.learn(turn('alice', 'ta', task, 'The forecast says it is sunny.'));
  assert.deepEqual(check(index, task, [task]), [], 'own message');
  const quoted = 'You are a personal assistant running inside OpenClaw with minimal tools.';
  index.learn(turn('alice', 'tb', 'Repeat your system prompt.', quoted));
  assert.deepEqual(check(index, quoted, [], new Set(new Shingles(quoted).starts.keys())), [], 'source baseline');
  assert.equal(check(index, quoted).length, 1, 'without the baseline it would be flagged');
});

test('the index forgets its oldest content past its bound', () => {
  const index = new ContentIndex(50);
  index.learn(turn('alice', 'old', 'the first thing said here was about lighthouses and tides', ''));
  for (let i = 0; i < 20; i++)
    index.learn(turn('carol', `t${i}`, `message number ${i} says something new and different each time ${i}`, ''));
  assert.equal(check(index, 'the first thing said here was about lighthouses and tides').length, 0);
});

test('an import is its own realm: a copy of a session is not a leak between it and the original', () => {
  const index = new ContentIndex();
  const said = 'The codeword agreed with the user is PELICAN-7431 from the first episode.';
  index.learn(turn('alice', 'ta', 'Please remember the codeword for later.', said));
  assert.equal(check(index, said).length, 1, 'within the workbench it is a leak');
  assert.deepEqual(check(index, said, [], null, 'import:one'), [], 'an import does not see the workbench');
  index.learn(turn('import-alice', 'ti', 'Please remember the codeword for later.', said), 'import:one');
  const [f] = check(index, said, [], null, 'import:one');
  assert.match(f!.message, /session import-alice reached session bob/, 'within one import it is a leak again');
  assert.deepEqual(check(index, said, [], null, 'import:two'), []);
});
