import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bytes,
  curlFor,
  duration,
  modKey,
  plainText,
  plural,
  promptText,
  reward,
} from '../../../renderer/src/format.ts';
import { comparePrompts, diffVerdict } from '../../../renderer/src/prompt-diff.ts';
import { logicalPromptText } from '../../../shared/prompt-text.ts';
import { sampleBody } from '../../helpers/samples.ts';
import { groupAdvantages } from '../../../shared/rollouts.ts';
import { noPreset, presetFor, presetKeys } from '../../../renderer/src/features/rewards/presets.ts';
import { turnAt } from '../../../renderer/src/features/logs/turn-at.ts';
import { EMPTY_ROUTE, formatRoute, parseRoute, type Route } from '../../../renderer/src/store/route.ts';

test('a clean next prompt is a pure append; a repeated or rewritten message is flagged', () => {
  const t1 = promptText([
    { role: 'system', content: 'S' },
    { role: 'user', content: 'a' },
  ]);
  const t2 = promptText([
    { role: 'system', content: 'S' },
    { role: 'user', content: 'a' },
    { role: 'assistant', content: 'b' },
    { role: 'user', content: 'c' },
  ]);
  assert.equal(comparePrompts(t1, t2).pureAppend, true);
  const doubled = promptText([
    { role: 'system', content: 'S' },
    { role: 'user', content: 'a' },
    { role: 'user', content: 'a' },
    { role: 'assistant', content: 'b' },
    { role: 'user', content: 'c' },
  ]);
  assert.equal(comparePrompts(t2, doubled).pureAppend, false, 'an inserted repeat is not an append');
  const newSystem = promptText([
    { role: 'system', content: 'S2' },
    { role: 'user', content: 'a' },
  ]);
  const cmp = comparePrompts(t1, newSystem);
  assert.equal(cmp.pureAppend, false);
  assert.ok(cmp.parts.some((p) => p.kind === 'removed' && p.text.includes('[system] S')));
});

test('formatters', () => {
  assert.equal(duration(850), '850 ms');
  assert.equal(duration(2500), '2.50 s');
  assert.equal(duration(null), '–');
  assert.equal(bytes(1536), '1.5 KB');
  assert.equal(reward(0.5), '0.5');
  assert.equal(reward(1), '1');
  assert.equal(reward(null), '–');
  assert.equal(plainText('\x1b[31mred\x1b[0m plain'), 'red plain');
  // the one stripper is the terminal filter's parser: titles, cursor moves and clears go too
  assert.equal(plainText('a\x1b]0;title\x07b\x1b[2J\x1b[Hc'), 'abc');
  assert.equal(
    curlFor('http://h/v1/chat/completions', { authorization: 'Bearer k', host: 'x' }, `{"a":"it's"}`),
    `curl -sS 'http://h/v1/chat/completions' -H 'authorization: Bearer k' --data-binary '{"a":"it'\\''s"}'`,
  );
});

test('reward presets: 1–9 are the first nine scale values, 0 the tenth, others nothing', () => {
  const scale = [0, 0.25, 0.5, 0.75, 1];
  assert.equal(presetFor('1', scale), 0);
  assert.equal(presetFor('5', scale), 1);
  assert.equal(presetFor('6', scale), null);
  assert.equal(presetFor('0', scale), null);
  assert.equal(
    presetFor(
      '0',
      Array.from({ length: 10 }, (_, i) => i),
    ),
    9,
  );
  assert.equal(presetFor('e', scale), null);
});

test('deep links round-trip, with keys that need encoding', () => {
  const r: Route = {
    ...EMPTY_ROUTE,
    sessionKey: 'chat:m:u@x',
    episodeId: 'ep_1',
    turnId: 'turn_2',
    tab: 'diff',
    callId: 'call_3',
    forkId: 'call_4',
  };
  assert.deepEqual(parseRoute(formatRoute(r)), r);
  assert.equal(formatRoute(r), '#/session/chat%3Am%3Au%40x/episode/ep_1/turn/turn_2/tab/diff/call/call_3/fork/call_4');
  assert.deepEqual(parseRoute('#/label').view, 'label');
  assert.deepEqual(parseRoute('#/garbage/%E0%A4%A'), EMPTY_ROUTE);
  assert.equal(parseRoute('#/session/s/episode/e/turn/t/tab/nonsense').tab, null, 'only known tabs');
  assert.equal(formatRoute({ ...r, episodeId: null }), '#/session/chat%3Am%3Au%40x');
  const group: Route = { ...EMPTY_ROUTE, view: 'groups', groupId: 'grp-1' };
  assert.deepEqual(parseRoute(formatRoute(group)), group);
  assert.equal(formatRoute({ ...group, groupId: null }), '#/groups');
  const compare: Route = { ...EMPTY_ROUTE, view: 'compare', episodeId: 'ep_a', otherEpisodeId: 'ep_b' };
  assert.equal(formatRoute(compare), '#/compare/ep_a/ep_b');
  assert.deepEqual(parseRoute('#/compare/ep_a/ep_b'), compare);
});

test('a log line maps to the turn in flight at its time', () => {
  const turns = [
    { id: 'a', startedAt: 10, endedAt: 20 },
    { id: 'b', startedAt: 30, endedAt: null },
  ];
  assert.equal(turnAt(turns, 15)?.id, 'a');
  assert.equal(turnAt(turns, 25), null);
  assert.equal(turnAt(turns, 99)?.id, 'b');
});

test('across episodes a carried conversation is the leak, never "pure append"; against nothing is not clean', () => {
  // real OpenClaw captures: the follow-up under the same session key replays the earlier conversation
  const conversation = (name: string) => logicalPromptText(JSON.stringify(sampleBody(name)), { system: false });
  const earlier = conversation('lean-config-flattened-history');
  const carried = comparePrompts(earlier, conversation('lean-config-stable-key-followup'));
  const leak = diffVerdict('episode', carried, 'episode 0');
  assert.equal(leak.tone, 'bad');
  assert.match(leak.text, /history not reset/);
  assert.equal(diffVerdict('turn', carried).tone, 'ok', 'the same prompts within one episode are a clean append');
  const fresh = diffVerdict('episode', comparePrompts(conversation('default-config-first-call'), earlier), 'episode 0');
  assert.deepEqual(fresh, { tone: 'ok', text: "fresh start: nothing of episode 0's conversation" });
  // one line carried over, the rest new: still a leak
  const partly = comparePrompts('[user] a\n[user] secret\n', '[user] b\n[user] secret\n');
  assert.equal(diffVerdict('episode', partly, 'episode 0').tone, 'bad');
  // a first prompt against nothing is not an append of anything
  const alone = comparePrompts('', '[system] S\n[user] a\n');
  assert.equal(alone.pureAppend, false);
  assert.equal(diffVerdict('nothing', alone).tone, 'none');
});

test('counts take the right number, and the modifier key is named as the platform names it', () => {
  assert.deepEqual(
    [plural(0, 'call'), plural(1, 'call'), plural(2, 'upstream call'), plural(1, 'turn')],
    ['0 calls', '1 call', '2 upstream calls', '1 turn'],
  );
  assert.equal(modKey('MacIntel'), '⌘');
  assert.equal(modKey('Linux x86_64'), 'Ctrl+');
  assert.equal(modKey('Win32'), 'Ctrl+');
});

test('group statistics only from real data: one reward has no std and no advantages', () => {
  assert.deepEqual(groupAdvantages([null, 1, null]), { advantages: [null, null, null], mean: 1, std: null });
  const two = groupAdvantages([1, 0]);
  assert.ok(two.std !== null && Math.abs(two.std - Math.SQRT1_2) < 1e-12);
  assert.ok(two.advantages[0]! > 0 && two.advantages[1]! < 0);
});

test('reward keys come from the configured scale, and a digit past it is said, not ignored', () => {
  const five = [0, 0.25, 0.5, 0.75, 1];
  assert.equal(presetKeys(five), '1–5');
  assert.equal(presetKeys([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), '1–9 and 0');
  assert.equal(noPreset('3', five), null);
  assert.equal(noPreset('x', five), null);
  assert.equal(noPreset('9', five), 'No reward on 9: the scale has 5 values (keys 1–5; Settings changes it)');
  assert.match(noPreset('0', five)!, /^No reward on 0/);
});
