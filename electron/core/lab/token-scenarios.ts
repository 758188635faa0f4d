// The leak lab's token scenarios (docs/tokens.md): an agent that calls the model itself through the
// recorder, the embedded model answering token ids with Qwen3's real template. Each plants one
// cause of a broken token prefix or a drifted template; the clean one must raise nothing.
import type { Scenario } from '../../../shared/schemas.ts';
import { DEFAULT_SCENARIO } from '../scripted-model/scenario.ts';
import type { LabScenario } from './lab.ts';

/** A model that thinks aloud: Qwen3's template drops the <think> part from earlier turns. */
const THINKING_SCENARIO: Scenario = {
  ...DEFAULT_SCENARIO,
  rules: [
    {
      name: 'think',
      match: { contains: 'think' },
      steps: [{ text: '<think>\nThe user wants a sum: two and two make four.\n</think>\n\nIt is 4.' }],
    },
    ...DEFAULT_SCENARIO.rules,
  ],
};

/** A reply that ends in a newline, its last token "." and "\n" in one. */
const TRAILING_NEWLINE_SCENARIO: Scenario = {
  ...DEFAULT_SCENARIO,
  report: false,
  rules: [
    { name: 'notes', match: { contains: 'notes' }, steps: [{ text: 'Here are my notes.\n' }] },
    ...DEFAULT_SCENARIO.rules,
  ],
};

/**
 * Between text and tokens (docs/tokens.md): an agent that calls the model through the recorder, the
 * embedded model answering token ids with Qwen3's real template. Each plants one cause.
 */
export const TOKEN_SCENARIOS: LabScenario[] = [
  {
    name: 'tokens-clean',
    description:
      'an agent sends every answer back as generated (a tool call and its result, then text): each prompt ' +
      'starts with the previous prompt + generated tokens, and the template renders what the server did',
    expected: [],
    async run(l) {
      const agent = l.client();
      await agent.startEpisode('clean-tokens');
      await agent.turn('What is the weather in Paris?');
      await agent.turn('Hello there');
      await agent.endEpisode(1);
    },
  },
  {
    name: 'tokens-reasoning-stripped',
    description:
      "the model reasons in <think>…</think>; Qwen3's chat template drops it from earlier turns, so the next " +
      'prompt breaks from what the model generated at its first token',
    expected: ['token_prefix_break'],
    scenario: THINKING_SCENARIO,
    async run(l) {
      const agent = l.client();
      await agent.startEpisode('reasoning');
      await agent.turn('think: what is 2+2?');
      await agent.turn('And then?');
    },
  },
  {
    name: 'tokens-tool-schema',
    description:
      "the model server renders the request's tools otherwise than the template (strict: false added, keys " +
      'reordered: areal #1499): its prompt ids are not the rendering of the recorded request',
    expected: ['template_drift'],
    scenario: { ...DEFAULT_SCENARIO, toolSchemas: 'strict_false' },
    async run(l) {
      const agent = l.client();
      await agent.startEpisode('tool-schema');
      await agent.turn('What is the weather in Paris?');
    },
  },
  {
    name: 'tokens-arguments-reserialized',
    description:
      "the agent sends a tool call's arguments back as the same JSON in other text: the next prompt breaks " +
      'inside the generated tool call',
    expected: ['token_prefix_break'],
    async run(l) {
      const agent = l.client({ reserializeArguments: true });
      await agent.startEpisode('arguments');
      await agent.turn('What is the weather in Paris?');
    },
  },
  {
    name: 'tokens-whitespace',
    description:
      'the agent trims a reply\'s trailing newline: the same text, but the tokens at the seam differ (".\\n" ' +
      'was one token)',
    expected: ['token_prefix_break'],
    scenario: TRAILING_NEWLINE_SCENARIO,
    async run(l) {
      const agent = l.client({ trimReplies: true });
      await agent.startEpisode('whitespace');
      await agent.turn('Please give me your notes.');
      await agent.turn('And then?');
    },
  },
];
