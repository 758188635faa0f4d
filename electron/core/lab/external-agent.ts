// An agent that is not ours, for the leak lab: it works like AReaL's seed agent service (its
// OpenClawAgent) driven by an AReaL trainer — per episode it takes a key from the recorder's
// /rl/start_session, binds its own OpenClaw gateway to it, keeps the conversation history itself,
// sends each turn as one chat completion, and finishes with /rl/set_reward. Its faults are switches:
// a stable OpenClaw session key (double feed), history kept across episodes, replies cut short in
// the history it replays (what the seed agent's 200-character summary does).
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { Gateway } from '../gateways/gateway.ts';
import type { ProviderBinding } from '../gateways/config.ts';

export interface ExternalAgentHost {
  /** The recorder's origin (AReaL's inference proxy) and its admin key. */
  recorderOrigin: string;
  adminKey: string;
  model: string;
  spawnGateway(binding: ProviderBinding): Promise<Gateway>;
  stopGateway(gw: Gateway): Promise<void>;
}

export interface AgentFaults {
  stableSessionKey?: boolean;
  keepHistoryAcrossEpisodes?: boolean;
  /** Replayed replies are cut to this many characters. */
  cutRepliesTo?: number;
}

async function post(url: string, body: unknown, key: string, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    headersTimeout: 180_000,
    bodyTimeout: 180_000,
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export class ExternalAgent {
  readonly #host: ExternalAgentHost;
  readonly #faults: AgentFaults;
  readonly #name = `ext-${randomUUID().slice(0, 8)}`;
  #gateway: Gateway | null = null;
  #key: string | null = null;
  #history: Array<{ role: string; content: string }> = [];

  constructor(host: ExternalAgentHost, faults: AgentFaults = {}) {
    this.#host = host;
    this.#faults = faults;
  }

  /** A trainer's episode start: a key from /rl/start_session; the gateway is bound to it. */
  async startEpisode(taskId: string): Promise<string> {
    const started = await post(
      `${this.#host.recorderOrigin}/rl/start_session`,
      { task_id: taskId },
      this.#host.adminKey,
    );
    const { session_id: episodeId, session_api_key: key } = started.sessions[0];
    const binding = { baseUrl: `${this.#host.recorderOrigin}/v1`, apiKey: key, model: this.#host.model };
    if (this.#gateway) await this.#gateway.rebind(binding);
    else this.#gateway = await this.#host.spawnGateway(binding);
    this.#key = key;
    if (!this.#faults.keepHistoryAcrossEpisodes) this.#history = [];
    return episodeId;
  }

  async turn(message: string): Promise<string> {
    const gw = this.#gateway!;
    const sessionKey = this.#faults.stableSessionKey ? this.#name : `${this.#name}:${randomUUID()}`;
    const answer = await post(
      `${gw.url}/v1/chat/completions`,
      { model: 'openclaw/default', messages: [...this.#history, { role: 'user', content: message }] },
      gw.token,
      { 'x-openclaw-session-key': sessionKey },
    );
    const reply: string = answer.choices?.[0]?.message?.content ?? '';
    const kept = this.#faults.cutRepliesTo ? reply.slice(0, this.#faults.cutRepliesTo) : reply;
    this.#history.push({ role: 'user', content: message }, { role: 'assistant', content: kept });
    return reply;
  }

  /** A trainer's reward: it finalizes the trajectory. */
  async endEpisode(reward: number): Promise<void> {
    await post(`${this.#host.recorderOrigin}/rl/set_reward`, { reward }, this.#key!);
  }

  async stop(): Promise<void> {
    if (this.#gateway) await this.#host.stopGateway(this.#gateway);
    this.#gateway = null;
  }
}
