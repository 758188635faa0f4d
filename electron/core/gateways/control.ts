// The gateway's control channel: one WebSocket to its own loopback port, speaking OpenClaw's
// gateway protocol as a trusted local backend client (`gateway-client` / `backend`, the shared
// token, no device identity — OpenClaw allows exactly this on loopback). Used for `secrets.reload`:
// a rebind rewrites the gateway's key file and asks it to re-read its secrets, ≈ 0.1 s, where a
// config rewrite waits ≈ 0.8 s or more for OpenClaw's file watcher (its debounce is fixed).
// Connected on first use, again after a drop; every call has a deadline.
import { WebSocket } from 'undici';

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const PROTOCOL = 4;

export class GatewayControl {
  private readonly url: string;
  private readonly token: string;
  private ws: WebSocket | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  private closed = false;

  constructor(port: number, token: string) {
    this.url = `ws://127.0.0.1:${port}`;
    this.token = token;
  }

  /** Calls a gateway method; resolves with its payload, rejects with the gateway's error message. */
  async call(method: string, params: object = {}, timeoutMs = 15_000): Promise<unknown> {
    await this.connect(timeoutMs);
    return this.send(method, params, timeoutMs);
  }

  private connect(timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the control channel is closed'));
    this.ready ??= new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      ws.addEventListener('message', (e) => this.receive(String(e.data)));
      ws.addEventListener('close', () => this.dropped(ws, 'the gateway closed its control channel'));
      ws.addEventListener('error', () => reject(new Error(`cannot open ${this.url}`)));
      ws.addEventListener('open', () => {
        this.send(
          'connect',
          {
            minProtocol: PROTOCOL,
            maxProtocol: PROTOCOL,
            client: { id: 'gateway-client', version: '1.0.0', platform: process.platform, mode: 'backend' },
            role: 'operator',
            scopes: ['operator.admin'],
            caps: [],
            commands: [],
            permissions: {},
            auth: { token: this.token },
          },
          timeoutMs,
        ).then(() => resolve(), reject);
      });
    }).catch((err: Error) => {
      this.ready = null;
      this.ws?.close();
      throw new Error(`gateway control channel: ${err.message}`);
    });
    return this.ready;
  }

  private send(method: string, params: object, timeoutMs: number): Promise<unknown> {
    const id = String(++this.seq);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} got no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws!.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  private receive(text: string): void {
    let frame: { type?: string; id?: string; ok?: boolean; payload?: unknown; error?: { message?: string } };
    try {
      frame = JSON.parse(text);
    } catch {
      return; // not a frame of ours
    }
    if (frame.type !== 'res' || !frame.id) return; // events (ticks, health) are not asked for
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    clearTimeout(p.timer);
    if (frame.ok) p.resolve(frame.payload);
    else p.reject(new Error(frame.error?.message ?? 'refused'));
  }

  private dropped(ws: WebSocket, why: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.ready = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
      this.pending.delete(id);
    }
  }

  close(): void {
    this.closed = true;
    const ws = this.ws;
    if (ws) {
      this.dropped(ws, 'the control channel was closed');
      ws.close();
    }
  }
}
