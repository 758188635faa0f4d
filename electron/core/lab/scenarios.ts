// The leak lab: reproducible scenarios against real gateways and the scripted model, one fresh
// engine each, ending with a verdict. The clean scenario must raise nothing; each leaky one must
// raise the alert kinds it plants.
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { LabVerdict } from '../../../shared/api.ts';
import type { AlertKind } from '../../../shared/domain.ts';
import type { Scenario } from '../../../shared/schemas.ts';
import type { OpenClawRuntime } from '../runtime/openclaw.ts';
import type { SessionRunOptions } from '../runtime/types.ts';
import type { SessionManager } from '../sessions/manager.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_SCENARIO } from '../upstream/scripted/scenario.ts';
import { ExternalAgent, type AgentFaults, type ExternalAgentHost } from './external-agent.ts';

export type Verdict = LabVerdict;

/**
 * The engine a scenario runs on; the caller builds it (the lab never imports the composition root),
 * and decides where what it records lives: in the workbench's own store (a run from the UI) or in a
 * throwaway one (the CLI). `stop` stops it and removes whatever was only the run's.
 */
export interface LabEngine extends ExternalAgentHost {
  sessions: SessionManager;
  openclaw: OpenClawRuntime;
  store: Store;
  stop(): Promise<void>;
}

/** Builds an OpenClaw engine with the scenario's model script and config overlay. */
export type LabEngineFactory = (spec: { scenario?: Scenario; overlay?: Record<string, unknown> }) => Promise<LabEngine>;

interface Lab {
  engine: LabEngine;
  rt: OpenClawRuntime;
  /** The run's own session key (runs share the workbench's store, so each has its own). */
  key: string;
  /** Gives the run's session settings of its own (kept with it, so a replay can reuse them). */
  configure(options: SessionRunOptions): void;
  /** An agent that is not ours, recorded through the recorder (stopped when the scenario ends). */
  external(faults?: AgentFaults): ExternalAgent;
  start(session: string): Promise<void>;
  end(session: string): Promise<void>;
  turn(session: string, message: string): Promise<void>;
  /** What a misbehaving client or OpenClaw's own background work does: a call straight to the gateway. */
  direct(session: string, message: string): Promise<number>;
}

interface LabScenario {
  name: string;
  description: string;
  expected: AlertKind[];
  scenario?: Scenario;
  overlay?: Record<string, unknown>;
  run(lab: Lab): Promise<void>;
}

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
      l.configure({ stableSessionKey: true });
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
      l.configure({ stableSessionKey: true });
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
    overlay: { tools: { profile: null, deny: [] } },
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
    // first turn that did not start empty (and as content nobody replayed), not as cross-episode
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
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/** Runs one scenario on a fresh engine; everything it starts is stopped. */
export async function runScenario(name: string, makeEngine: LabEngineFactory): Promise<Verdict> {
  const sc = SCENARIOS.find((s) => s.name === name);
  if (!sc) throw new Error(`unknown scenario "${name}"; choose from ${scenarioNames().join(', ')}`);
  const key = `lab-${sc.name}-${randomUUID().slice(0, 8)}`;
  let engine: LabEngine | null = null;
  try {
    engine = await makeEngine({ scenario: sc.scenario, overlay: sc.overlay });
    const e = engine;
    const rt = e.openclaw;
    const agents: ExternalAgent[] = [];
    const lab: Lab = {
      engine: e,
      rt,
      key,
      configure: (options) => {
        e.sessions.ensure(key);
        e.sessions.configure(key, options);
      },
      external: (faults) => {
        const agent = new ExternalAgent(e, faults);
        agents.push(agent);
        return agent;
      },
      start: async (s) => void (await e.sessions.startEpisode(s, {})),
      end: async (s) => void (await e.sessions.endEpisode(s, undefined)),
      turn: async (s, message) => void (await e.sessions.turn(s, { message }, { delta: () => {}, toolCall: () => {} })),
      direct: async (s, message) => {
        const gw = rt.gatewayOf(s)!;
        const res = await request(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headersTimeout: 120_000,
          bodyTimeout: 120_000,
          headers: {
            authorization: `Bearer ${gw.token}`,
            'content-type': 'application/json',
            'x-openclaw-session-key': `${s}:direct`,
          },
          body: JSON.stringify({ model: 'openclaw/default', messages: [{ role: 'user', content: message }] }),
        });
        await res.body.dump();
        return res.statusCode;
      },
    };
    try {
      await sc.run(lab);
    } finally {
      for (const agent of agents) await agent.stop();
    }
    // every session the run touched (its own and its external agents'), and only those
    const sessionKeys = e.sessions.liveKeys();
    const alerts = sessionKeys
      .flatMap((k) => e.store.alerts.list({ sessionKey: k, limit: 1000 }).items)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map((a) => ({
        id: a.id,
        kind: a.kind,
        severity: a.severity,
        sessionKey: a.sessionKey,
        episodeId: a.episodeId,
        turnId: a.turnId,
        evidence: a.evidence,
      }));
    // a finished run is a record: its episodes end and its sessions close (gateways stop)
    for (const k of sessionKeys) await e.sessions.close(k);
    const kinds = new Set(alerts.map((a) => a.kind));
    const pass = sc.expected.length === 0 ? alerts.length === 0 : sc.expected.every((k) => kinds.has(k));
    return { scenario: sc.name, expected: sc.expected, sessionKeys, alerts, pass };
  } finally {
    await engine?.stop();
  }
}
