// The leak lab's scenarios: each plants one kind of leak (or none) and says what it must raise.
// The clean ones must raise nothing; each leaky one must raise the alert kinds it plants.
import type { Scenario } from '../../../shared/schemas.ts';
import { DEFAULT_SCENARIO } from '../scripted-model/scenario.ts';
import type { LabScenario } from './lab.ts';
import { TOKEN_SCENARIOS } from './token-scenarios.ts';

export type { Lab, LabScenario } from './lab.ts';

const CODEWORD_SCENARIO: Scenario = {
  ...DEFAULT_SCENARIO,
  rules: [
    {
      name: 'remember',
      match: { contains: 'remember the codeword' },
      steps: [
        {
          tool: 'write',
          args: {
            path: 'AGENTS.md',
            content: '# Notes\nThe codeword agreed with the user is PELICAN-7431 from the first episode.\n',
          },
        },
        { text: 'Noted the codeword.' },
      ],
    },
    ...DEFAULT_SCENARIO.rules,
  ],
};

/** Tools a scenario needs to let the model write files (the safe config denies them). */
const PERMISSIVE_TOOLS = { tools: { profile: null, deny: [] } };

export const SCENARIOS: LabScenario[] = [
  {
    name: 'clean',
    description: 'two episodes of two turns with fresh session keys and a rebind between them: nothing may be flagged',
    expected: [],
    async run(l) {
      await l.start(l.key);
      await l.turn(l.key, 'My name is Ada and I study lighthouses.');
      await l.turn(l.key, 'What is the weather in Paris?');
      await l.end(l.key);
      await l.start(l.key);
      await l.turn(l.key, 'Hello, Grace here, asking about tide tables.');
      await l.turn(l.key, 'Please search for otter facts.');
      await l.end(l.key);
    },
  },
  {
    name: 'stable-session-key',
    description:
      'one x-openclaw-session-key for every turn: OpenClaw replays its transcript and the DataProxy history again ' +
      '(double feed)',
    expected: ['double_feed'],
    async run(l) {
      l.configure(l.key, { stableSessionKey: true });
      await l.start(l.key);
      await l.turn(l.key, 'My name is Ada and I study lighthouses.');
      await l.turn(l.key, 'What did I say I study?');
    },
  },
  {
    name: 'episode-without-reset',
    description: 'the stable key also spans the episode boundary: the new episode starts with the old transcript',
    expected: ['history_not_reset', 'cross_episode'],
    async run(l) {
      l.configure(l.key, { stableSessionKey: true });
      await l.start(l.key);
      await l.turn(l.key, 'My name is Ada and I study lighthouses.');
      await l.end(l.key);
      await l.start(l.key);
      await l.turn(l.key, 'Who am I?');
    },
  },
  {
    name: 'stale-key',
    description: 'after episode/end the gateway still holds the ended key and is called anyway',
    expected: ['stale_key'],
    async run(l) {
      await l.start(l.key);
      await l.turn(l.key, 'First and only turn.');
      await l.end(l.key);
      await l.direct(l.key, 'one more thing');
    },
  },
  {
    name: 'state-dir-carryover',
    description:
      "a permissive tool profile lets the model write AGENTS.md; the next episode's system prompt picks it up",
    expected: ['state_carryover', 'cross_episode'],
    scenario: CODEWORD_SCENARIO,
    overlay: PERMISSIVE_TOOLS,
    async run(l) {
      await l.start(l.key);
      await l.turn(l.key, 'Please remember the codeword for later.');
      await l.end(l.key);
      await l.start(l.key);
      await l.turn(l.key, 'What do you know about me?');
    },
  },
  {
    name: 'background-call',
    description:
      "an upstream call with the open episode's key while no turn is in flight (what background work looks like)",
    expected: ['background_call'],
    async run(l) {
      await l.start(l.key);
      await l.turn(l.key, 'A normal turn.');
      await l.direct(l.key, 'distill durable learning from this session');
    },
  },
  {
    name: 'cross-session',
    description:
      'two sessions side by side (agents of one gateway in shared mode): the first has the model write a ' +
      'codeword into its workspace; the second must see nothing of it',
    expected: [],
    scenario: CODEWORD_SCENARIO,
    overlay: PERMISSIVE_TOOLS,
    async run(l) {
      const other = `${l.key}-b`;
      await l.start(l.key);
      await l.start(other);
      await l.turn(l.key, 'Please remember the codeword for later.');
      await l.turn(other, 'What do you know about me?');
      if (l.rt.isSeated(l.key) && l.rt.gatewayOf(l.key) !== l.rt.gatewayOf(other))
        throw new Error('shared mode placed the two sessions on different gateways: nothing was proven');
    },
  },
  {
    name: 'cross-session-shared-workspace',
    description:
      "the fault isolation prevents: the second session is given the first one's workspace, so the codeword " +
      "the first had written reaches the second's system prompt",
    expected: ['cross_session'],
    scenario: CODEWORD_SCENARIO,
    overlay: PERMISSIVE_TOOLS,
    async run(l) {
      const other = `${l.key}-b`;
      await l.start(l.key);
      await l.turn(l.key, 'Please remember the codeword for later.');
      l.configure(other, { workspace: l.rt.workspaceOf(l.key)! });
      await l.start(other);
      await l.turn(other, 'What do you know about me?');
    },
  },
  {
    name: 'external-clean',
    description:
      "an agent that is not ours (AReaL's seed agent service, done right): keys from /rl/start_session, " +
      'its own gateway and history, reset per episode',
    expected: [],
    async run(l) {
      const agent = l.external();
      for (const task of ['lighthouses', 'tides']) {
        await agent.startEpisode(task);
        await agent.turn(`My name is Ada and I study ${task}.`);
        await agent.turn('What is the weather in Paris?');
        await agent.endEpisode(1);
      }
    },
  },
  {
    name: 'external-double-feed',
    description:
      'the external agent reuses one OpenClaw session key and replays its history too: earlier turns arrive twice',
    expected: ['double_feed'],
    async run(l) {
      const agent = l.external({ stableSessionKey: true });
      await agent.startEpisode('double');
      await agent.turn('My name is Ada and I study lighthouses.');
      await agent.turn('What did I say I study?');
    },
  },
  {
    name: 'external-history-across-episodes',
    // each trainer session is a session of its own here, so the carried conversation shows as a
    // first turn that did not start empty (and as another session's content: cross_session), not as
    // cross-episode
    description: "the external agent keeps the first episode's conversation when the trainer starts the next one",
    expected: ['history_not_reset'],
    async run(l) {
      const agent = l.external({ keepHistoryAcrossEpisodes: true });
      await agent.startEpisode('first');
      await agent.turn('My name is Ada and I study lighthouses.');
      await agent.endEpisode(1);
      await agent.startEpisode('second');
      await agent.turn('Who am I?');
    },
  },
  {
    name: 'history-rewritten',
    description:
      'the agent keeps only the start of each reply in the history it replays ' +
      "(the seed agent service's 200-character summary)",
    expected: ['history_rewritten'],
    async run(l) {
      const agent = l.external({ cutRepliesTo: 24 });
      await agent.startEpisode('cut');
      await agent.turn('My name is Ada and I study lighthouses.');
      await agent.turn('What did I say I study?');
    },
  },
  ...TOKEN_SCENARIOS,
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/** Runs one scenario on a fresh engine; everything it starts is stopped. */
