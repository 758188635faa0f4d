// A loopback HTTP server with a route table, JSON errors and a stop that closes every connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, HttpError, sendError } from './errors.ts';
import { LOOPBACK_POLICY, type HttpPolicy } from './policy.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> | void;
export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** Builds a route from a path with `:param` segments (matched as one URL-decoded segment each). */
export function route(method: string, path: string, handler: Handler): Route {
  const pattern = new RegExp('^' + path.replace(/:[a-z]+/g, '([^/]+)') + '$');
  return { method, pattern, handler };
}

export class HttpService {
  readonly name: string;
  private server: Server | null = null;
  private readonly routes: Route[];
  private readonly fallback: Handler | null;
  readonly policy: HttpPolicy;

  constructor(name: string, routes: Route[], fallback: Handler | null = null, policy: HttpPolicy = LOOPBACK_POLICY) {
    this.name = name;
    this.routes = routes;
    this.fallback = fallback;
    this.policy = policy;
  }

  async start(host: string, port: number): Promise<{ host: string; port: number; url: string }> {
    // requestTimeout bounds receiving a request (headers and body), not the answer: a streamed turn
    // may run for minutes, a slow body may not. Timeouts are checked every second, not every 30.
    const server = createServer(
      {
        keepAliveTimeout: 30_000,
        headersTimeout: Math.min(30_000, this.policy.requestTimeoutMs),
        requestTimeout: this.policy.requestTimeoutMs,
        connectionsCheckingInterval: 1000,
      },
      (req, res) => void this.dispatch(req, res),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    // a server that stops on its own leaves its clients without answers: the engine says so
    server.on('error', (err) => this.policy.down?.(this.name, `its server failed: ${err.message}`));
    server.on('close', () => {
      if (this.server !== server) return; // stop() asked for it
      this.server = null;
      this.policy.down?.(this.name, 'its server closed unexpectedly');
    });
    const addr = server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return { host: addr.address, port: addr.port, url: `http://${shownHost}:${addr.port}` };
  }

  get httpServer(): Server | null {
    return this.server;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.policy.settled) holdEnd(res, this.policy.settled);
    try {
      if (!this.policy.allowsHost(req.headers.host)) {
        throw new HttpError(
          403,
          `host "${req.headers.host}" is not allowed (add it to allowedHosts)`,
          'host_not_allowed',
        );
      }
      const path = (req.url ?? '/').split('?')[0]!;
      let pathMatched = false;
      for (const r of this.routes) {
        const m = r.pattern.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (r.method !== req.method) continue;
        const params = m.slice(1).map((p) => {
          try {
            return decodeURIComponent(p);
          } catch {
            throw new HttpError(400, `malformed path segment: ${p}`);
          }
        });
        await r.handler(req, res, params);
        return;
      }
      if (this.fallback) return void (await this.fallback(req, res, []));
      throw pathMatched
        ? new HttpError(405, `method ${req.method} not allowed on ${path}`, 'method_not_allowed')
        : new HttpError(404, `no route for ${req.method} ${path}`);
    } catch (err) {
      sendError(res, err);
    }
  }

  /** Stops listening and closes every connection, idle or not. Idempotent. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/**
 * Delays the end of an answer until the writes made before it are committed (the store commits in
 * groups: store/db.ts). A streamed answer's chunks still flow as they come; only its end waits.
 * The head of an answer written in one piece (writeHead, then end) waits with it: if the commit
 * fails with an error of its own (the disk is full: 507), that error is the answer instead, so
 * nothing is acknowledged that was not saved. A stream already under way is reset instead.
 */
function holdEnd(res: ServerResponse, settled: () => Promise<void>): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let head: unknown[] | null = null;
  const flushHead = () => {
    const args = head;
    head = null;
    if (args) writeHead(...args);
  };
  res.writeHead = ((...args: unknown[]) => {
    head = args;
    return res;
  }) as ServerResponse['writeHead'];
  res.write = ((...args: unknown[]) => {
    flushHead();
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    settled().then(
      () => {
        flushHead();
        end(...args);
      },
      (err: Error) => {
        if (head && err instanceof HttpError) {
          head = null;
          const text = JSON.stringify(errorBody(err.message, err.type));
          writeHead(err.status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
          end(text);
          return;
        }
        process.emitWarning(`trajscope: an answer was withheld: ${err.message}`);
        res.destroy(err);
      },
    );
    return res;
  }) as ServerResponse['end'];
}
