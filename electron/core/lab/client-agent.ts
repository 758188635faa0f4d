// An agent that talks to the model itself, for the leak lab's token scenarios: it works like AReaL's
// OpenAI-client workflows — per episode a key from the recorder's /rl/start_session, chat
// completions straight to the recorder (AReaL's inference proxy) with that key, the conversation
// and the tools kept by the agent, tool results fed back until the model answers in text. No
// gateway: what it plants is between text and tokens. Its faults are how it sends the model's
// answer back: tool arguments re-serialized (other spacing), replies trimmed of trailing whitespace.
import { request } from 'undici';
import type { ExternalAgentHost } from './external-agent.ts';

export interface ClientFaults {
  /** Tool-call arguments sent back as the same JSON in other text (`JSON.stringify(…, null, 1)`). */
  reserializeArguments?: boolean;
  /** Replies sent back with their trailing whitespace cut. */
  trimReplies?: boolean;
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}
type Message =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** The tools it offers the model (the scripted model's weather rule calls get_weather). */
export const CLIENT_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

/** Model answers with a tool call per turn, at most (then it must answer in text). */
const MAX_STEPS = 4;

async function post(url: string, body: unknown, key: string) {
  const res = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export class ClientAgent {
  readonly #host: ExternalAgentHost;
  readonly #faults: ClientFaults;
  #key: string | null = null;
  #history: Message[] = [];

  constructor(host: ExternalAgentHost, faults: ClientFaults = {}) {
    this.#host = host;
    this.#faults = faults;
  }

  async startEpisode(taskId: string): Promise<void> {
    const started = await post(
      `${this.#host.recorderOrigin}/rl/start_session`,
      { task_id: taskId },
      this.#host.adminKey,
    );
    this.#key = started.sessions[0].session_api_key;
    this.#history = [{ role: 'system', content: 'You are a terse assistant with tools.' }];
  }

  /** One user message, then completions until the model answers without a tool call. */
  async turn(message: string): Promise<void> {
    this.#history.push({ role: 'user', content: message });
    for (let step = 0; step < MAX_STEPS; step++) {
      const answer = await post(
        `${this.#host.recorderOrigin}/v1/chat/completions`,
        { model: this.#host.model, messages: this.#history, tools: CLIENT_TOOLS },
        this.#key!,
      );
      const m = answer.choices[0].message as { content: string | null; tool_calls?: ToolCall[] };
      const calls = m.tool_calls ?? [];
      this.#history.push({
        role: 'assistant',
        content: this.#faults.trimReplies && m.content ? m.content.trimEnd() : m.content,
        ...(calls.length ? { tool_calls: calls.map((c) => this.#sentBack(c)) } : {}),
      });
      if (calls.length === 0) return;
      for (const c of calls) this.#history.push({ role: 'tool', tool_call_id: c.id, content: '{"temp_c": 21}' });
    }
  }

  async endEpisode(reward: number): Promise<void> {
    await post(`${this.#host.recorderOrigin}/rl/set_reward`, { reward }, this.#key!);
  }

  #sentBack(c: ToolCall): ToolCall {
    if (!this.#faults.reserializeArguments) return c;
    return { ...c, function: { ...c.function, arguments: JSON.stringify(JSON.parse(c.function.arguments), null, 1) } };
  }
}
