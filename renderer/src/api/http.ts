// The browser transport: invoke channels over HTTP, events over one WebSocket (reconnecting),
// both with the page's cookie (or a token, for scripts and tests). The WebSocket is also how the
// page knows the engine is there: when it closes, or an invoke cannot reach the engine, listeners
// hear "disconnected" at once and the socket keeps trying until the engine is back.
import type {
  EventBatch,
  EventChannel,
  EventPayloads,
  ExportRequest,
  ExportSaved,
  InvokeChannel,
  InvokeEnvelope,
  InvokeRequest,
  InvokeResponse,
  WorkbenchApi,
} from '../../../shared/api.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, message: string, type: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

type Listener = (payload: unknown) => void;

/** Why the engine does not answer: nothing at its address (or it hangs), or it is a newer run that
 * does not take this page's credential (it was restarted). */
export type Disconnected = 'unreachable' | 'other_run';

/** An open event stream that hears nothing (not even the engine's 1 s heartbeat) this long is dead. */
const SILENCE_MS = 3000;

/** Dispatches event batches to listeners by channel; shared by both transports. */
export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  on<K extends EventChannel>(channel: K, listener: (p: EventPayloads[K]) => void): () => void {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener as Listener);
    this.listeners.set(channel, set);
    return () => set.delete(listener as Listener);
  }

  dispatch(batches: EventBatch[]): void {
    for (const b of batches) {
      const set = this.listeners.get(b.channel);
      if (!set) continue;
      for (const p of b.payloads) for (const l of set) l(p);
    }
  }
}

export interface HttpTransportOptions {
  base: string;
  token: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
}

export class HttpTransport implements WorkbenchApi {
  private readonly o: Required<HttpTransportOptions>;
  private readonly hub = new EventHub();
  private ws: WebSocket | null = null;
  private closed = false;
  private retry = 250;
  private open = false;
  private readonly connected = new Set<() => void>();
  private readonly disconnected = new Set<(why: Disconnected) => void>();
  private down: Disconnected | null = null;
  private heard = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  /** Ends the open socket as if it had closed (the watchdog's way out of a silent one). */
  private silent: (() => void) | null = null;

  constructor(o: HttpTransportOptions) {
    this.o = { fetch: globalThis.fetch.bind(globalThis), WebSocket: globalThis.WebSocket, ...o };
  }

  async invoke<K extends InvokeChannel>(channel: K, request: InvokeRequest<K>): Promise<InvokeResponse<K>> {
    const headers = this.jsonHeaders();
    let res: Response;
    try {
      res = await this.o.fetch(`${this.o.base}/api/invoke/${channel}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(request ?? {}),
      });
    } catch {
      this.lost('unreachable');
      this.connect(); // a socket that looked open may be dead: it is tried again
      throw new ApiError(0, 'the engine cannot be reached', 'unreachable');
    }
    // an invoke answers with the envelope; a refusal before it (a wrong token) with a bare error body
    const body = (await res.json().catch(() => null)) as
      InvokeEnvelope | { error?: { message: string; type: string } } | null;
    if (body && 'ok' in body && body.ok) return body.result as InvokeResponse<K>;
    const error = body && 'error' in body ? body.error : undefined;
    throw new ApiError(res.status, error?.message ?? `request failed with ${res.status}`, error?.type ?? 'error');
  }

  /** A JSON request's headers, with the token where the page holds one (else its cookie goes). */
  private jsonHeaders(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    return headers;
  }

  on<K extends EventChannel>(channel: K, listener: (payload: EventPayloads[K]) => void): () => void {
    this.connect();
    return this.hub.on(channel, listener);
  }

  /** A browser download: the engine streams the lines; what it left out is what the preview said. */
  async saveExport(request: ExportRequest): Promise<ExportSaved> {
    const preview = await this.invoke('data:export-preview', request);
    const headers = this.jsonHeaders();
    let res: Response;
    try {
      res = await this.o.fetch(`${this.o.base}/api/export`, { method: 'POST', headers, body: JSON.stringify(request) });
    } catch {
      this.lost('unreachable');
      throw new ApiError(0, 'the engine cannot be reached', 'unreachable');
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message: string; type: string } } | null;
      throw new ApiError(res.status, body?.error?.message ?? `export failed with ${res.status}`, 'error');
    }
    const text = await res.text();
    const file = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'trajscope.jsonl';
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    // the lines actually received: the data may have changed since the preview
    const interactions = text ? text.split('\n').length - 1 : 0;
    return { ...preview, interactions, file };
  }

  onConnected(listener: () => void): () => void {
    this.connect();
    this.connected.add(listener);
    if (this.open) queueMicrotask(listener);
    return () => this.connected.delete(listener);
  }

  /** Called when the engine stops answering, and again if the reason changes (it came back as another run). */
  onDisconnected(listener: (why: Disconnected) => void): () => void {
    this.connect();
    this.disconnected.add(listener);
    return () => this.disconnected.delete(listener);
  }

  private lost(why: Disconnected): void {
    if (this.down === why || this.closed) return;
    this.down = why;
    for (const l of this.disconnected) l(why);
  }

  /** A stream that could not open: is anything there, and does it take this page's credential? */
  private async diagnose(): Promise<void> {
    const headers: Record<string, string> = this.o.token ? { authorization: `Bearer ${this.o.token}` } : {};
    const state = await this.o
      .fetch(`${this.o.base}/api/auth`, { headers })
      .then(async (r) => ((await r.json()) as { state: string }).state)
      .catch(() => 'unreachable');
    if (!this.open) this.lost(state === 'other_run' || state === 'none' ? 'other_run' : 'unreachable');
  }

  private connect(): void {
    if (this.ws || this.closed) return;
    const query = this.o.token ? `?token=${encodeURIComponent(this.o.token)}` : '';
    const url = `${this.o.base.replace(/^http/, 'ws')}/api/events${query}`;
    const ws = new this.o.WebSocket(url);
    this.ws = ws;
    let opened = false;
    // the socket's end, once: closed by the engine, or given up on after a silence (a browser may
    // take a minute to call onclose for a peer that stopped answering)
    const ended = () => {
      if (this.ws !== ws) return;
      ws.onopen = ws.onmessage = ws.onclose = null;
      this.ws = null;
      this.open = false;
      if (this.closed) return;
      if (opened) this.lost('unreachable');
      else void this.diagnose();
      // tried again soon, then less often: the page finds an engine that is back within 2 s
      setTimeout(() => this.connect(), opened ? 250 : (this.retry = Math.min(this.retry * 2, 2000)));
    };
    ws.onopen = () => {
      opened = this.open = true;
      this.down = null;
      this.heard = Date.now();
      this.watchdog ??= setInterval(() => {
        if (!this.open || Date.now() - this.heard <= SILENCE_MS) return;
        this.ws?.close();
        this.silent?.();
      }, 500);
      this.silent = ended;
      this.retry = 250;
      for (const l of this.connected) l();
    };
    ws.onmessage = (m) => {
      this.heard = Date.now();
      this.hub.dispatch(JSON.parse(String(m.data)) as EventBatch[]);
    };
    ws.onclose = ended;
  }

  close(): void {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.ws?.close();
  }
}
