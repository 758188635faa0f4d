import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryMessage, Turn } from '../../../shared/domain.ts';
import type { LogicalMessage } from '../../../shared/openclaw/prompt.ts';
import { doubleFeed } from '../../../electron/core/analysis/detectors/double-feed.ts';
import { historyRewritten } from '../../../electron/core/analysis/detectors/history-rewritten.ts';

const msg = (role: 'user' | 'assistant', text: string): LogicalMessage => ({
  role,
  text,
  origin: 'message',
  messageIndex: 0,
});
const turn = { id: 't2', index: 2 } as Turn;
const history: HistoryMessage[] = [
  { role: 'user', content: 'What is 2+2?' },
  { role: 'assistant', content: 'It is 4, because two and two make four.' },
  { role: 'user', content: 'And 3+3?' },
  { role: 'assistant', content: 'Six: three and three.' },
];
const replay = (first: string, second = 'Six: three and three.') => [
  msg('user', 'What is 2+2?'),
  msg('assistant', first),
  msg('user', 'And 3+3?'),
  msg('assistant', second),
];

test('answers replayed as the model gave them raise nothing', () => {
  const r = historyRewritten(replay('It is 4, because two and two make four.'), history, turn);
  assert.equal(r.finding, null);
  assert.equal(r.explained.size, 0);
});

test('a reply cut short is found, with how much was kept', () => {
  const r = historyRewritten(replay('It is 4, because two'), history, turn);
  assert.equal(r.finding?.kind, 'history_rewritten');
  assert.match(r.finding!.evidence[0]!.detail!, /cut to 20 of 39 characters/);
  assert.equal(r.explained.size, 1);
});

test("a different answer in a turn's place is found even with few words in common", () => {
  const r = historyRewritten(replay('It is 4.'), history, turn);
  assert.match(r.finding!.evidence[0]!.detail!, /in the place of turn 0's answer/);
});

test('a reworded answer is found without alignment (the prompt has extra user messages)', () => {
  const prior = [msg('user', 'an extra message'), ...replay('Because two and two make four, it is 4.')];
  const r = historyRewritten(prior, history, turn);
  assert.match(r.finding!.evidence[0]!.detail!, /reworded/);
});

test("another episode's answer after other user messages is left to the other detectors", () => {
  const prior = [msg('user', 'Name a river.'), msg('assistant', 'The Danube.'), ...replay(history[1]!.content)];
  const r = historyRewritten(prior, history, turn);
  assert.equal(r.finding, null);
});

test("a turn's answers replayed joined as one message (text before a tool call, then the answer) are its own", () => {
  const twoCalls: HistoryMessage[] = [
    { role: 'user', content: 'Search for otters.' },
    { role: 'assistant', content: 'Let me look that up.' },
    { role: 'assistant', content: 'Otters hold hands.' },
  ];
  const prompt = [msg('user', 'Search for otters.'), msg('assistant', 'Let me look that up.\n\nOtters hold hands.')];
  const r = historyRewritten(prompt, twoCalls, turn);
  assert.equal(r.finding, null);
  assert.equal(r.explained.size, 1, 'and double feed does not count it again');
  // joined in another order, or with something else, it is still a replacement
  const swapped = [msg('user', 'Search for otters.'), msg('assistant', 'Otters hold hands.\n\nLet me look that up.')];
  assert.equal(historyRewritten(swapped, twoCalls, turn).finding?.kind, 'history_rewritten');
});

test("a tool-call message replayed as sent (an OpenAI-client agent's loop) is not a rewrite; its text is", () => {
  const call = 'tool_call name=get_weather arguments={"city":"Paris"}';
  const toolOnly: LogicalMessage = { ...msg('assistant', call), content: '' };
  const prior = [
    msg('user', 'What is 2+2?'),
    toolOnly,
    msg('assistant', 'It is 4, because two and two make four.'),
    msg('user', 'And 3+3?'),
    msg('assistant', 'Six: three and three.'),
  ];
  assert.equal(historyRewritten(prior, history, turn).finding, null);
  // the same message with text that is not the turn's answer is still a replacement
  const spoken: LogicalMessage = {
    ...msg('assistant', `Something else entirely.\n${call}`),
    content: 'Something else entirely.',
  };
  const r = historyRewritten([prior[0]!, spoken, ...prior.slice(2)], history, turn);
  assert.equal(r.finding?.kind, 'history_rewritten');
  assert.match(r.finding!.evidence[0]!.text, /^replayed: Something else entirely\./);
});

test("double feed: a tool-call message replayed as sent is the agent's own once; twice it is fed double", () => {
  const call = 'tool_call name=get_weather arguments={"city":"Paris"}';
  const toolOnly: LogicalMessage = { ...msg('assistant', call), content: '' };
  const withText: LogicalMessage = {
    ...msg('assistant', `It is 4, because two and two make four.\n${call}`),
    content: 'It is 4, because two and two make four.',
  };
  const base = [
    msg('user', 'What is 2+2?'),
    toolOnly,
    withText,
    msg('user', 'And 3+3?'),
    msg('assistant', 'Six: three and three.'),
  ];
  assert.equal(doubleFeed(base, history, turn), null);
  const twice = doubleFeed([...base.slice(0, 2), toolOnly, ...base.slice(2)], history, turn);
  assert.equal(twice?.kind, 'double_feed');
  assert.match(twice!.evidence[0]!.text, /^assistant: tool_call name=get_weather/);
});
