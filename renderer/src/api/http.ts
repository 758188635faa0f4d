// The browser transport: invoke channels over HTTP, events over one WebSocket (reconnecting),
// both with the per-run token the headless host printed in the UI URL.
import type {
  EventBatch,
  EventChannel,
  EventPayloads,
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

  constructor(o: HttpTransportOptions) {
    this.o = { fetch: globalThis.fetch.bind(globalThis), WebSocket: globalThis.WebSocket, ...o };
  }

  async invoke<K extends InvokeChannel>(channel: K, request: InvokeRequest<K>): Promise<InvokeResponse<K>> {
    const res = await this.o.fetch(`${this.o.base}/api/invoke/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request ?? {}),
    });
    // an invoke answers with the envelope; a refusal before it (a wrong token) with a bare error body
    const body = (await res.json().catch(() => null)) as
      InvokeEnvelope | { error?: { message: string; type: string } } | null;
    if (body && 'ok' in body && body.ok) return body.result as InvokeResponse<K>;
    const error = body && 'error' in body ? body.error : undefined;
    throw new ApiError(res.status, error?.message ?? `request failed with ${res.status}`, error?.type ?? 'error');
  }

  on<K extends EventChannel>(channel: K, listener: (payload: EventPayloads[K]) => void): () => void {
    this.connect();
    return this.hub.on(channel, listener);
  }

  onConnected(listener: () => void): () => void {
    this.connect();
    this.connected.add(listener);
    if (this.open) queueMicrotask(listener);
    return () => this.connected.delete(listener);
  }

  private connect(): void {
    if (this.ws || this.closed) return;
    const url = `${this.o.base.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(this.o.token)}`;
    const ws = new this.o.WebSocket(url);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = this.open = true;
      this.retry = 250;
      for (const l of this.connected) l();
    };
    ws.onmessage = (m) => this.hub.dispatch(JSON.parse(String(m.data)) as EventBatch[]);
    ws.onclose = () => {
      this.ws = null;
      this.open = false;
      if (this.closed) return;
      setTimeout(() => this.connect(), opened ? 250 : (this.retry = Math.min(this.retry * 2, 5000)));
    };
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}
