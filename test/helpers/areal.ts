// AReaL's side of the wire, written from what AReaL's own code sends (areal-project/AReaL v2 agent
// service at cbff54d6: router/app.py, gateway/app.py, gateway/bridge.py; the inference proxy
// data_proxy/app.py; PR #1383's agent service): a Router, the Gateway's calls to a DataProxy, and a
// controller's calls. Like httpx (AReaL's HTTP client), the Gateway sends the userinfo of the
// address the Router gave it as HTTP Basic auth and no other Authorization header.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Router {
  url: string;
  adminKey: string;
  /** What each route was called with, in order. */
  calls: Array<{ path: string; body: Record<string, unknown>; authorization: string | undefined }>;
  registered: string[];
  stop(): Promise<void>;
}

/** AReaL's agent-service Router: register/unregister DataProxies, route sessions round-robin with affinity. */
export async function startRouter(adminKey = 'areal-agent-admin'): Promise<Router> {
  const registered: string[] = [];
  const sessions = new Map<string, string>();
  let rr = 0;
  const calls: Router['calls'] = [];
  const server: Server = createServer(async (req, res) => {
    let text = '';
    for await (const c of req) text += c;
    const body = text ? JSON.parse(text) : {};
    calls.push({ path: req.url ?? '', body, authorization: req.headers.authorization });
    const send = (status: number, out: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    if (req.url === '/health')
      return send(200, { status: 'ok', registered_proxies: registered.length, active_sessions: sessions.size });
    if (req.headers.authorization !== `Bearer ${adminKey}`) return send(401, { detail: 'Invalid admin key' });
    if (req.url === '/register') {
      if (!registered.includes(body.addr)) registered.push(body.addr);
      return send(200, { status: 'ok' });
    }
    if (req.url === '/unregister') {
      const i = registered.indexOf(body.addr);
      if (i >= 0) registered.splice(i, 1);
      for (const [k, v] of sessions) if (v === body.addr) sessions.delete(k);
      return send(200, { status: 'ok' });
    }
    if (req.url === '/route') {
      const known = sessions.get(body.session_key);
      if (known) return send(200, { data_proxy_addr: known });
      if (registered.length === 0) return send(503, { error: 'No DataProxy registered' });
      const addr = registered[rr++ % registered.length]!;
      sessions.set(body.session_key, addr);
      return send(200, { data_proxy_addr: addr });
    }
    send(404, { detail: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    adminKey,
    calls,
    registered,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** An httpx-style request: userinfo of the URL becomes Basic auth and leaves the URL. */
/** What httpx does with the userinfo of a URL: it becomes Basic auth and leaves the URL. */
function userinfoToBasic(address: string): { url: URL; headers: Record<string, string> } {
  const url = new URL(address);
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, headers };
}

/** An httpx-style JSON POST. */
export async function httpxPost(address: string, body: unknown): Promise<Response> {
  const { url, headers } = userinfoToBasic(address);
  headers['content-type'] = 'application/json';
  return fetch(url, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function httpxGet(address: string): Promise<Response> {
  const { url, headers } = userinfoToBasic(address);
  return fetch(url, { headers });
}

/** What AReaL's Gateway does for one request: ask the Router, then call the DataProxy it names. */
export class Gateway {
  readonly router: Router;
  constructor(router: Router) {
    this.router = router;
  }

  async route(sessionKey: string): Promise<string> {
    const r = await fetch(`${this.router.url}/route`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.router.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_key: sessionKey }),
    });
    if (!r.ok) throw new Error(`route ${r.status}`);
    return ((await r.json()) as { data_proxy_addr: string }).data_proxy_addr;
  }

  /** The DataProxy turn call, exactly as the Gateway's bridges and /ws send it. */
  async turn(
    sessionKey: string,
    message: string,
    metadata: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) {
    const addr = await this.route(sessionKey);
    const runId = `run-${randomUUID().slice(0, 12)}`;
    return httpxPost(`${addr}/session/${sessionKey}/turn`, {
      message,
      run_id: runId,
      queue_mode: 'collect',
      metadata,
      ...extra,
    });
  }

  /** OpenResponsesBridge: POST /v1/responses → the Responses object it builds from the turn's answer. */
  async responses(
    body: { input: unknown[]; model?: string; user?: string; instructions?: string; stream?: boolean },
    sessionKey?: string,
  ) {
    const key = sessionKey ?? `agent:${body.model || 'default'}:${body.user}`;
    const parts = [
      ...(body.instructions ? [body.instructions] : []),
      ...body.input.flatMap((item) => {
        const it = item as { type?: string; content?: unknown; output?: string };
        if (it.type === 'function_call_output') return [`[tool result] ${it.output ?? ''}`];
        if (it.type !== 'message') return [];
        if (typeof it.content === 'string') return [it.content];
        return (it.content as Array<{ type: string; text?: string }>)
          .filter((b) => b.type === 'input_text')
          .map((b) => b.text ?? '');
      }),
    ];
    const responseId = `resp-${randomUUID().slice(0, 12)}`;
    const metadata = {
      input: body.input,
      instructions: body.instructions ?? '',
      tools: [],
      model: body.model ?? '',
      idempotencyKey: responseId,
    };
    const res = await this.turn(key, parts.join('\n'), metadata, body.stream ? { stream: true } : {});
    if (!res.ok) return { status: res.status, body: await res.json() };
    const result = (await res.json()) as { summary: string; events: Array<Record<string, string>>; metadata: unknown };
    const output: Array<Record<string, unknown>> = [];
    if (result.summary)
      output.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: result.summary }] });
    for (const e of result.events)
      if (e.type === 'tool_call') output.push({ type: 'function_call', name: e.name ?? '', arguments: e.args ?? '' });
    return {
      status: 200,
      body: {
        id: responseId,
        object: 'response',
        status: 'completed',
        output,
        model: body.model ?? '',
        metadata: result.metadata,
      },
    };
  }

  /** The /ws handler: the frames it sends for one agent request. */
  async ws(sessionKey: string, message: string): Promise<Array<Record<string, unknown>>> {
    const res = await this.turn(sessionKey, message, {});
    const result = (await res.json()) as { summary: string; events: Array<Record<string, string>> };
    const frames: Array<Record<string, unknown>> = [];
    for (const e of result.events) {
      if (e.type === 'delta') frames.push({ event: 'delta', text: e.text ?? '' });
      else if (e.type === 'tool_call') frames.push({ event: 'tool_call', name: e.name ?? '', args: e.args ?? '' });
    }
    frames.push({ event: 'complete', summary: result.summary });
    return frames;
  }

  /** ChatCompletionsBridge: the whole chat request rides in metadata; the answer is relayed byte for byte. */
  async chat(
    body: { model?: string; messages: Array<{ role: string; content: string }>; stream?: boolean; user?: string },
    sessionKey: string,
  ) {
    const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    return this.turn(sessionKey, last, { chat_request: body });
  }

  async close(sessionKey: string): Promise<Response> {
    const addr = await this.route(sessionKey);
    return httpxPost(`${addr}/session/${sessionKey}/close`, undefined);
  }

  async history(sessionKey: string): Promise<Response> {
    return httpxGet(`${await this.route(sessionKey)}/session/${sessionKey}/history`);
  }
}
