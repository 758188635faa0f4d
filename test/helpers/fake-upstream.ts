// A stand-in for a remote model server (the one edge that cannot exist here: a GPU server).
// Its behaviour is chosen by the newest user message, so one server covers every fault.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  url: string;
  requests: Array<{ headers: Record<string, unknown>; body: string }>;
  /** Answers that never end on their own ("endless", "hugeerror", "longline"): bytes sent, when the reader hung up. */
  floods: Array<{ msg: string; bytes: number; closedAt: number | null }>;
  /** Responses held open by "hang"; released on stop. */
  stop(): Promise<void>;
}

function lastUser(body: string): string {
  try {
    const msgs = JSON.parse(body).messages as Array<{ role: string; content: string }>;
    return [...msgs].reverse().find((m) => m.role === 'user')?.content ?? '';
  } catch {
    return '';
  }
}

/**
 * `key`: when set, requests without `Authorization: Bearer <key>` get a 401 like a real server's.
 * `refuse`: request fields it does not know, refused with a 400 naming them as OpenAI's API does.
 */
export async function startFakeUpstream(opts: { key?: string; refuse?: string[] } = {}): Promise<FakeUpstream> {
  const requests: FakeUpstream['requests'] = [];
  const floods: FakeUpstream['floods'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ headers: req.headers, body });
    if (opts.key && req.headers.authorization !== `Bearer ${opts.key}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
      return;
    }
    const unknown = opts.refuse?.find((f) => body.includes(`"${f}"`));
    if (unknown) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `Unrecognized request argument supplied: ${unknown}`, type: 'invalid_request_error' },
        }),
      );
      return;
    }
    if (req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
      return;
    }
    const msg = lastUser(body);
    if (msg.includes('hang')) return; // never answers
    if (msg.includes('fail500')) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model crashed', type: 'server_error' } }));
      return;
    }
    if (msg.includes('slow')) await new Promise((r) => setTimeout(r, 3000));
    if (msg.includes('endless') || msg.includes('hugeerror') || msg.includes('longline')) {
      // a server gone wrong: it writes until the reader hangs up (each stops by itself at 256 MiB)
      const flood = { msg, bytes: 0, closedAt: null as number | null };
      floods.push(flood);
      res.on('close', () => (flood.closedAt = Date.now()));
      const chunk = msg.includes('endless')
        ? `data: ${JSON.stringify({ id: 'e', choices: [{ index: 0, delta: { content: 'more '.repeat(2000) } }] })}\n\n`
        : 'x'.repeat(64 * 1024);
      if (msg.includes('hugeerror')) res.writeHead(400, { 'content-type': 'application/json' });
      else res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (msg.includes('longline')) res.write('data: ');
      while (!res.destroyed && flood.bytes < 256 * 1024 * 1024) {
        flood.bytes += chunk.length;
        if (!res.write(chunk)) await new Promise((r) => (res.once('drain', r), res.once('close', r)));
      }
      res.end();
      return;
    }
    if (msg.includes('jsonstream')) {
      // a whole JSON completion, whatever the request asked for
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'j',
          model: 'fake-model',
          choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }],
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (msg.includes('break')) {
      // one chunk, then the connection dies mid-stream
      res.write(
        `data: ${JSON.stringify({ id: 'b', choices: [{ index: 0, delta: { content: 'partial answer ' } }] })}\n\n`,
      );
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    if (msg.includes('garble')) {
      res.end('data: {not json\n\ndata: <<<>>>\n\nevent: nonsense\n\n');
      return;
    }
    if (msg.includes('truncate')) {
      res.end(`data: ${JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { content: 'half' } }] })}\n\n`);
      return;
    }
    if (msg.includes('badutf8') || msg.includes('lonesurrogate')) {
      // text that is not text: raw bytes that are not UTF-8, or half a UTF-16 character escaped in JSON
      const piece = msg.includes('badutf8') ? 'caf\u00e9 ' : 'half \\ud800 ';
      const head = `data: {"id":"u","choices":[{"index":0,"delta":{"content":"${piece}`;
      res.write(
        Buffer.concat([Buffer.from(head), msg.includes('badutf8') ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0)]),
      );
      res.write('"}}]}\n\n');
      res.write(`data: ${JSON.stringify({ id: 'u', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    const frame = (o: unknown) => `data:${JSON.stringify(o)}\n\n`; // no space after "data:" on purpose
    res.write(
      frame({
        id: 'fake-1',
        model: 'fake-model',
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content: 'Echo: ' },
            logprobs: { content: [{ token: 'Echo', logprob: -0.1 }] },
            token_ids: [11, 12],
          },
        ],
      }),
    );
    res.write(
      frame({
        id: 'fake-1',
        model: 'fake-model',
        choices: [
          {
            index: 0,
            // "echokey": a server that repeats the key it was sent (a debugging proxy, a careless model server)
            delta: { content: msg.includes('echokey') ? `${msg} ${String(req.headers.authorization)}` : msg },
            logprobs: { content: [{ token: 'msg', logprob: -0.2 }] },
            token_ids: [13],
          },
        ],
      }),
    );
    res.write(frame({ id: 'fake-1', model: 'fake-model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    res.write(
      frame({
        id: 'fake-1',
        model: 'fake-model',
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      }),
    );
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    floods,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
