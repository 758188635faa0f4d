// Finding an alert's evidence in recorded text: evidence is normalized (lower case, punctuation gone,
// a role in front) and must still be found where it was said, and only there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findEvidence, matchText } from '../../../renderer/src/find.ts';

test('normalized evidence is found in the text it came from, with or without its role', () => {
  const reply = 'You said: "My name is Ada and I study lighthouses.".';
  const [range] = findEvidence(reply, 'my name is ada and i study lighthouses');
  assert.equal(reply.slice(...range!), 'My name is Ada and I study lighthouses');
  assert.deepEqual(findEvidence('My secret is 4711.', 'user: My secret is 4711.'), [[0, 17]]);
  assert.deepEqual(findEvidence('nothing of it here', 'my secret is 4711'), [], 'not found where it is not');
});

test('a prompt line and an evidence text compare as words, the role left out on both sides', () => {
  assert.equal(matchText('[assistant] It is 4.\n'), 'it is 4');
  assert.equal(matchText('replayed: It is 4.'), 'it is 4');
  assert.equal(matchText('[user] My secret, keep it!'), 'my secret keep it');
  assert.equal(matchText('{ }'), '', 'punctuation alone is nothing to match');
});
