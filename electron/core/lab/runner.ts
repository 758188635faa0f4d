// The leak lab's runner: one scenario (catalogue.ts) against real gateways and the scripted model,
// on a fresh engine, ending with a verdict: what it raised, and whether that is what it plants.
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { LabVerdict } from '../../../shared/api.ts';
import { SCENARIOS, scenarioNames, type Lab } from './scenarios.ts';
import type { LabEngine, LabEngineFactory } from './engine.ts';
import { ClientAgent } from './client-agent.ts';
import { ExternalAgent } from './external-agent.ts';

export { SCENARIOS, scenarioNames };
export type { LabEngine, LabEngineFactory } from './engine.ts';

export type Verdict = LabVerdict;

/** `report` hears each step as it starts (the UI's progress). */
export async function runScenario(
  name: string,
  makeEngine: LabEngineFactory,
  report: (step: string) => void = () => {},
): Promise<Verdict> {
  const sc = SCENARIOS.find((s) => s.name === name);
  if (!sc) throw new Error(`unknown scenario "${name}"; choose from ${scenarioNames().join(', ')}`);
  const key = `lab-${sc.name}-${randomUUID().slice(0, 8)}`;
  let engine: LabEngine | null = null;
  let episodes = 0;
  let turns = 0;
  try {
    report('starting a fresh engine');
    engine = await makeEngine({ scenario: sc.scenario, overlay: sc.overlay });
    const e = engine;
    const rt = e.openclaw;
    const agents: ExternalAgent[] = [];
    const lab: Lab = {
      engine: e,
      rt,
      key,
      configure: (session, options) => {
        e.sessions.ensure(session);
        e.sessions.configure(session, options);
      },
      client: (faults) => new ClientAgent(e, faults),
      external: (faults) => {
        const agent = new ExternalAgent(e, faults);
        agents.push(agent);
        return agent;
      },
      start: async (s) => {
        // the first episode of a session waits for its gateway: 15–25 s for a cold one
        report(`episode ${++episodes}: starting${episodes === 1 ? ' (a real gateway starts first)' : ''}`);
        await e.sessions.startEpisode(s, {});
      },
      end: async (s) => {
        report(`episode ${episodes}: ending`);
        await e.sessions.endEpisode(s, undefined);
      },
      turn: async (s, message) => {
        report(`turn ${++turns}: “${message.length > 40 ? `${message.slice(0, 40)}…` : message}”`);
        await e.sessions.turn(s, { message }, { delta: () => {}, toolCall: () => {} });
      },
      direct: async (s, message) => {
        report('a call straight to the gateway');
        // as the session's own turns would reach its gateway (an agent of a shared one, or its own)
        const to = rt.directTarget(s)!;
        const res = await request(`${to.url}/v1/chat/completions`, {
          method: 'POST',
          headersTimeout: 120_000,
          bodyTimeout: 120_000,
          headers: {
            authorization: `Bearer ${to.token}`,
            'content-type': 'application/json',
            'x-openclaw-session-key': `${to.keyPrefix}${s}:direct`,
          },
          body: JSON.stringify({ model: to.model, messages: [{ role: 'user', content: message }] }),
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
    // every session the run touched (its own and its external agents'), and only those, once the
    // detectors have seen every call
    report('waiting for the leak detectors');
    await e.analyzed();
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
    report('stopping its gateways');
    for (const k of sessionKeys) await e.sessions.close(k);
    const kinds = new Set(alerts.map((a) => a.kind));
    const pass = sc.expected.length === 0 ? alerts.length === 0 : sc.expected.every((k) => kinds.has(k));
    return { scenario: sc.name, expected: sc.expected, sessionKeys, alerts, pass };
  } finally {
    await engine?.stop();
  }
}
