// A double feed within an episode is an append that repeats what the prompt already held: the
// diff marks the repeated messages and names the alert, and never calls it a clean "pure append".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logicalPromptText, promptText } from '../../../shared/prompt-text.ts';
import { comparePrompts, diffVerdict } from '../../../renderer/src/prompt-diff.ts';
import { sampleBody } from '../../helpers/samples.ts';

const logical = (name: string) => logicalPromptText(JSON.stringify(sampleBody(name)), { system: false });

test("a real OpenClaw double feed is an append that repeats a message: 'double feed', never 'pure append'", () => {
  const d = comparePrompts(logical('default-config-first-call'), logical('double-feed-stable-key'));
  assert.equal(d.pureAppend, true, 'the later prompt does start with the earlier one');
  assert.equal(d.repeats, 1);
  assert.match(d.parts.find((p) => p.kind === 'repeated')!.text, /^\[user\] What's the weather in Paris\?/);
  assert.deepEqual(diffVerdict('turn', d, 'episode 0 turn 0', ['double_feed']), {
    tone: 'bad',
    text: 'double feed: adds 1 message(s) the prompt already held',
  });
  // the diff shows it even where no detector raised it, and says so
  assert.deepEqual(diffVerdict('turn', d, 'episode 0 turn 0', []), {
    tone: 'warn',
    text: 'adds 1 message(s) the prompt already held (no alert raised)',
  });
});

test('a clean next turn repeats nothing; a multi-line message repeats only whole', () => {
  const opening = [
    { role: 'system', content: 'S' },
    { role: 'user', content: 'a\nsecond line' },
  ];
  const t1 = promptText(opening);
  const then = (last: string) =>
    promptText([...opening, { role: 'assistant', content: 'b' }, { role: 'user', content: last }]);
  const clean = comparePrompts(t1, then('a')); // its first line only: not the same message
  assert.equal(clean.repeats, 0);
  assert.deepEqual(diffVerdict('turn', clean), { tone: 'ok', text: 'pure append' });
  const doubledText = then('a\nsecond line');
  const doubled = comparePrompts(t1, doubledText);
  assert.equal(doubled.repeats, 1);
  assert.equal(
    doubled.parts
      .filter((p) => p.kind === 'repeated')
      .map((p) => p.text)
      .join(''),
    '[user] a\nsecond line\n',
  );
  // parts put back together are the later prompt, nothing lost or doubled
  assert.equal(
    doubled.parts
      .filter((p) => p.kind !== 'removed')
      .map((p) => p.text)
      .join(''),
    doubledText,
  );
});
