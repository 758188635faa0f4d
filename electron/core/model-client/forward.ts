// Outbound HTTP to model servers: one pooled undici connection set per origin, explicit timeouts,
// and failures mapped to the status a caller should see (502 unreachable, 504 too slow). An origin
// served by this very process (the recorder, the embedded model) can be mounted: its requests are
// then answered in-process by the same handlers, with no socket in between.
import { Pool, errors } from 'undici';
import { HttpError } from '../http/errors.ts';
import type { Answer, AnswerBody, LocalHandler } from '../http/local.ts';

export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
}

export interface ForwardTimeouts {
  connectMs: number;
  /** Time allowed until the response headers arrive. */
  headersMs: number;
  /** Longest allowed silence between two body chunks. */
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: ForwardTimeouts = { connectMs: 10_000, headersMs: 300_000, bodyMs: 300_000 };

/**
 * How long an idle pooled socket is kept when the server gives no Keep-Alive hint. Node's and
 * uvicorn's servers close idle sockets after 5 s, and OpenClaw's streamed answers carry no hint:
 * a socket kept longer is reused just as the server closes it, and the request dies with
 * ECONNRESET (seen: a turn sent 5 s after the last one on a gateway). A hint, when sent, wins.
 */
export const IDLE_SOCKET_MS = 4000;

/** The largest answer read from a server by default (`responseLimit`): well under the heap. */
export const DEFAULT_ANSWER_LIMIT = 64 * 1024 * 1024;

/** The error type of an answer cut off at the size limit (a call's outcome `too_large`). */
export const TOO_LARGE = 'upstream_too_large';

export class Forwarder {
  private readonly pools = new Map<string, Pool>();
  private readonly mounted = new Map<string, LocalHandler>();
  private readonly timeouts: ForwardTimeouts;
  private readonly idleSocketMs: number;
  private readonly answerLimit: number;

  constructor(
    timeouts: ForwardTimeouts = DEFAULT_TIMEOUTS,
    opts: { idleSocketMs?: number; answerLimit?: number } = {},
  ) {
    this.timeouts = timeouts;
    this.idleSocketMs = opts.idleSocketMs ?? IDLE_SOCKET_MS;
    this.answerLimit = opts.answerLimit ?? DEFAULT_ANSWER_LIMIT;
  }

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, {
        connections: 256,
        pipelining: 1,
        keepAliveTimeout: this.idleSocketMs,
        connect: { timeout: this.timeouts.connectMs },
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
      });
      this.pools.set(origin, p);
    }
    return p;
  }

  /** Answers requests to `origin` in-process with `handler` until the returned function is called. */
  mount(origin: string, handler: LocalHandler): () => void {
    const key = new URL(origin).origin;
    this.mounted.set(key, handler);
    return () => {
      if (this.mounted.get(key) === handler) this.mounted.delete(key);
    };
  }

  /** Whether requests to this target are answered in-process. */
  inProcess(target: UpstreamTarget): boolean {
    try {
      return this.mounted.has(new URL(target.baseUrl).origin);
    } catch {
      return false;
    }
  }

  /** Sends a request to `baseUrl + path`; the response body is left to the caller to consume. */
  async request(
    target: UpstreamTarget,
    method: 'GET' | 'POST',
    path: string,
    body: Buffer | null,
    signal?: AbortSignal,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer> {
    const url = new URL(target.baseUrl.replace(/\/+$/, '') + path);
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...extraHeaders };
    if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
    if (body) headers['content-type'] = 'application/json';
    const local = this.mounted.get(url.origin);
    try {
      if (local) {
        headers.host = url.host;
        if (body) headers['content-length'] = String(body.length);
        // the same limit on waiting for the answer's head as a socket gets
        const headersTimeoutMs = this.timeouts.headersMs;
        return await local({ method, path: url.pathname + url.search, headers, body, signal, headersTimeoutMs });
      }
      const answer = await this.pool(url.origin).request({
        method,
        path: url.pathname + url.search,
        headers,
        body,
        signal,
      });
      // a server that never stops talking (or sends one huge body) must not take the engine down
      return { ...answer, body: bounded(answer.body, this.answerLimit, url.origin) };
    } catch (err) {
      throw toHttpError(err, url.origin);
    }
  }

  /** Drops the pool of an origin that is gone for good (a stopped gateway's port). */
  forget(origin: string): void {
    const p = this.pools.get(origin);
    if (!p) return;
    this.pools.delete(origin);
    // the gateway behind it is gone: closing its sockets can only fail in ways nobody needs to know
    void p.destroy().catch(() => {});
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }
}

/**
 * An answer body that ends with a `TOO_LARGE` error once more than `limit` bytes arrived; leaving
 * the loop over undici's stream destroys it, so the rest is never read.
 */
function bounded(body: AnswerBody, limit: number, origin: string): AnswerBody {
  async function* chunks(): AsyncGenerator<Buffer> {
    let n = 0;
    for await (const chunk of body) {
      n += chunk.length;
      if (n > limit) throw tooLarge(origin, limit);
      yield chunk;
    }
  }
  return {
    [Symbol.asyncIterator]: chunks,
    text: async () => {
      const parts: Buffer[] = [];
      for await (const chunk of chunks()) parts.push(chunk);
      return Buffer.concat(parts).toString('utf8');
    },
  };
}

/** The error of an answer (or one line of a stream) past its limit, naming the setting that sets it. */
export function tooLarge(origin: string, limit: number, part: 'answer' | 'line' = 'answer'): HttpError {
  const size = limit % 1048576 === 0 ? `${limit / 1048576} MiB` : `${limit} bytes`;
  const what =
    part === 'answer' ? `an answer over ${size} (responseLimit)` : `a stream line over ${size} (sseLineLimit)`;
  return new HttpError(502, `upstream ${origin} sent ${what}: the call was cut off there`, TOO_LARGE);
}

/** Maps a transport failure to 504 (too slow) or 502 (unreachable or broken). */
export function toHttpError(err: unknown, origin: string): HttpError {
  if (err instanceof HttpError) return err;
  if (
    err instanceof errors.HeadersTimeoutError ||
    err instanceof errors.BodyTimeoutError ||
    err instanceof errors.ConnectTimeoutError
  ) {
    return new HttpError(504, `upstream ${origin} timed out (${(err as Error).message})`, 'upstream_timeout');
  }
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED')
    return new HttpError(502, `upstream ${origin} refused the connection`, 'upstream_unreachable');
  return new HttpError(502, `upstream ${origin} failed: ${(err as Error).message}`, 'upstream_error');
}
