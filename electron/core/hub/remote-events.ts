// A remote engine's live events, as its own UI hears them: its /api/events WebSocket with the UI
// token. The engine sends a heartbeat every second, so a stream silent for longer than `silentMs`
// is a host that hangs; the stream is then dropped and opened again (as after any close) every
// `retryMs`. `opened` is told each time it is (re)established: what was said while it was down is
// lost, so the hub reads the host again then.
import WebSocket from 'ws';
import type { EventBatch } from '../../../shared/api.ts';

export interface RemoteEventsOptions {
  url: string;
  token: string;
  onBatch(batches: EventBatch[]): void;
  opened(): void;
  retryMs?: number;
  silentMs?: number;
}

export class RemoteEvents {
  readonly #o: Required<RemoteEventsOptions>;
  #ws: WebSocket | null = null;
  #retry: NodeJS.Timeout | null = null;
  #silence: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(o: RemoteEventsOptions) {
    this.#o = { retryMs: 1500, silentMs: 4000, ...o };
  }

  start(): void {
    this.#stopped = false;
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#silence) clearTimeout(this.#silence);
    this.#ws?.terminate();
    this.#ws = null;
  }

  #open(): void {
    const ws = new WebSocket(`${this.#o.url.replace(/^http/, 'ws')}/api/events`, {
      headers: { authorization: `Bearer ${this.#o.token}` },
      handshakeTimeout: this.#o.silentMs,
      maxPayload: 64 * 1024 * 1024,
    });
    this.#ws = ws;
    const heard = () => {
      if (this.#silence) clearTimeout(this.#silence);
      this.#silence = setTimeout(() => ws.terminate(), this.#o.silentMs);
      this.#silence.unref();
    };
    ws.on('open', () => {
      heard();
      this.#o.opened();
    });
    ws.on('message', (data) => {
      heard();
      let batches: unknown;
      try {
        batches = JSON.parse(data.toString());
      } catch {
        return; // not ours to understand: the stream stays
      }
      if (Array.isArray(batches) && batches.length) this.#o.onBatch(batches as EventBatch[]);
    });
    ws.on('error', () => {}); // 'close' follows and retries
    ws.on('close', () => {
      if (this.#silence) clearTimeout(this.#silence);
      if (this.#ws !== ws || this.#stopped) return;
      this.#ws = null;
      this.#retry = setTimeout(() => this.#open(), this.#o.retryMs);
      this.#retry.unref();
    });
  }
}
