// The headless host's UI server: the built renderer, the invoke channels over HTTP and the event
// channels over a WebSocket, all behind a per-run token and bound to loopback by default.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createApiHandlers, invokeEnvelope, type ApiHandlers } from '../core/api/handlers.ts';
import { batchEvents } from '../core/events.ts';
import { exportRequest } from '../../shared/api.ts';
import { maskedLines } from '../core/export/file.ts';
import { exportOptions } from '../core/export/jsonl.ts';
import { writeLines } from '../core/export/write.ts';
import { readJson } from '../core/http/body.ts';
import { HttpError, sendJson } from '../core/http/errors.ts';
import { HttpService, route } from '../core/http/server.ts';
import type { Workbench } from '../core/workbench.ts';
import { z } from 'zod';
import { UiAuth } from './ui-auth.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** How often an open event stream hears from the engine when nothing happens (http.ts waits 3×). */
export const HEARTBEAT_MS = 1000;

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export class ApiServer {
  readonly token: string;
  private readonly wb: Workbench;
  private readonly rendererDir: string | null;
  private readonly service: HttpService;
  private readonly handlers: ApiHandlers;
  private readonly uiAuth: UiAuth;
  private wss: WebSocketServer | null = null;
  url = '';

  constructor(wb: Workbench, token: string, rendererDir: string | null) {
    this.wb = wb;
    this.token = token;
    this.uiAuth = new UiAuth(token);
    this.rendererDir = rendererDir && existsSync(join(rendererDir, 'index.html')) ? rendererDir : null;
    this.handlers = createApiHandlers(wb);
    this.service = new HttpService(
      'api',
      [
        // the page's first question: is what I hold good for this run? (no credential needed to ask)
        route('GET', '/api/auth', (req, res) => sendJson(res, 200, { state: this.uiAuth.state(req) })),
        route('POST', '/api/invoke/:channel', async (req, res, [channel]) => {
          this.uiAuth.require(req);
          // imports carry whole export files
          const payload = await readJson(req, 80 * 1024 * 1024, z.unknown());
          const answer = await invokeEnvelope(
            this.handlers,
            channel!,
            payload,
            (m) => wb.warn(m),
            () => wb.store.durable(),
          );
          sendJson(res, answer.ok ? 200 : answer.error.status, answer);
        }),
        // the browser's download of an export: streamed, so the engine holds one line at a time
        route('POST', '/api/export', async (req, res) => {
          this.uiAuth.require(req);
          const r = await readJson(req, 64 * 1024, exportRequest);
          if (r.hosts && !wb.hub?.hosts.length)
            throw new HttpError(400, 'hosts: this engine has no remotes (it is no hub)');
          if (r.hosts && r.sessionKey) throw new HttpError(400, 'hosts and sessionKey: export one or the other');
          if (r.sessionKey !== undefined && !wb.store.sessions.get(r.sessionKey))
            throw new HttpError(404, `unknown session ${r.sessionKey}`);
          const own = () => maskedLines(wb.store, exportOptions(r), wb.secretMask());
          // checked before the first byte: a hub's export of a host that does not answer is refused whole
          const lines = r.hosts ? await wb.hub!.mergedExport(r, own) : own();
          const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
          res.writeHead(200, {
            'content-type': 'application/x-ndjson; charset=utf-8',
            'content-disposition': `attachment; filename="trajscope-${stamp}.jsonl"`,
            'cache-control': 'no-store',
          });
          try {
            await writeLines(lines, res);
          } catch (err) {
            if (res.destroyed) return; // the browser dropped the download: nothing to answer
            throw err;
          }
          res.end();
        }),
      ],
      (req, res) => this.serveStatic(req, res),
      wb.httpPolicy,
    );
  }

  async start(host: string, port: number): Promise<void> {
    this.url = (await this.service.start(host, port)).url;
    this.uiAuth.bind(this.url);
    const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    this.wss = wss;
    this.service.httpServer!.on('upgrade', (req, socket, head) => {
      const u = URL.parse(req.url ?? '/', 'http://x');
      const origin = req.headers.origin;
      const sameOrigin = !origin || origin === this.url || origin.replace('localhost', '127.0.0.1') === this.url;
      const hostOk = this.wb.httpPolicy.allowsHost(req.headers.host);
      const allowed = this.uiAuth.credential(req, u?.searchParams.get('token') ?? null) === 'ok';
      if (u?.pathname !== '/api/events' || !allowed || !sameOrigin || !hostOk) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
    });
  }

  private attach(ws: WebSocket): void {
    const stop = batchEvents(
      this.wb.events,
      (batches) => ws.readyState === ws.OPEN && ws.send(this.wb.secretMask().text(JSON.stringify(batches))),
    );
    // a heartbeat (an empty batch): a page that hears nothing for a few seconds knows the engine
    // hangs (a stopped process keeps its sockets open), not merely that nothing happened
    const beat = setInterval(() => ws.readyState === ws.OPEN && ws.send('[]'), HEARTBEAT_MS);
    beat.unref();
    ws.on('close', () => {
      clearInterval(beat);
      stop();
    });
  }

  private serveStatic(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, 'method not allowed', 'method_not_allowed');
    const raw = (req.url ?? '/').split('?')[0]!;
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      throw new HttpError(400, `malformed path: ${raw.slice(0, 200)}`);
    }
    if (path.startsWith('/api/')) throw new HttpError(404, `no route for ${path}`);
    const login = this.uiAuth.login(req);
    if (login) {
      res.writeHead(302, { location: login.location, 'set-cookie': login.setCookie, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const headers = {
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    if (!this.rendererDir) {
      res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('Trajscope engine is running. The UI is not built in this checkout: run `npm run build`.\n');
      return;
    }
    const root = this.rendererDir;
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) throw new HttpError(404, 'not found');
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html'); // client-side routes
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    this.wss = null;
    await this.service.stop();
  }
}
