// A gateway's captured output: appended (ANSI kept) to a durable per-gateway file, kept in a
// bounded ring for the live view, indexed by time in SQLite, and pushed as log events.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { LogChunk } from '../../../shared/domain.ts';
import { plainText } from '../../../shared/terminal.ts';
import type { EngineEvents } from '../events.ts';
import type { LogSpan } from '../store/logs-repo.ts';
import type { Store } from '../store/store.ts';

const RING_BYTES = 2 * 1024 * 1024;
const INDEX_FLUSH_MS = 250;

export class GatewayLog {
  readonly file: string;
  readonly gatewayId: string;
  sessionKey: string | null = null;
  private fd: number | null;
  private offset = 0;
  private ring: LogChunk[] = [];
  private ringBytes = 0;
  private pending: Array<Pick<LogSpan, 'stream' | 'at' | 'offset' | 'length'>> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly events: EngineEvents;
  private readonly store: Store;
  private readonly watchers = new Set<(chunk: LogChunk) => void>();

  constructor(file: string, gatewayId: string, events: EngineEvents, store: Store) {
    this.file = file;
    this.gatewayId = gatewayId;
    this.events = events;
    this.store = store;
    this.fd = openSync(file, 'a', 0o600);
  }

  write(stream: LogChunk['stream'], data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (buf.length === 0) return;
    const chunk: LogChunk = {
      gatewayId: this.gatewayId,
      sessionKey: this.sessionKey,
      stream,
      at: Date.now(),
      text: buf.toString('utf8'),
    };
    if (this.fd !== null) {
      writeSync(this.fd, buf);
      this.pending.push({ stream, at: chunk.at, offset: this.offset, length: buf.length });
      this.offset += buf.length;
      this.timer ??= setTimeout(() => this.flushIndex(), INDEX_FLUSH_MS);
    }
    this.ring.push(chunk);
    this.ringBytes += chunk.text.length;
    while (this.ringBytes > RING_BYTES && this.ring.length > 1) this.ringBytes -= this.ring.shift()!.text.length;
    for (const w of this.watchers) w(chunk);
    this.events.emit('logs:chunk', chunk);
  }

  /** Calls `fn` for every new chunk until the returned function is called. */
  watch(fn: (chunk: LogChunk) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  recent(): LogChunk[] {
    return [...this.ring];
  }

  /** The last lines of output, ANSI removed: what an error message shows. */
  lastLines(n: number): string[] {
    const text = plainText(this.ring.map((c) => c.text).join(''));
    return text
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean)
      .slice(-n);
  }

  /** Writes pending index rows now (before a range query). */
  flushIndex(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.store.logs.insert(
      rows.map((r) => ({ ...r, gatewayId: this.gatewayId, sessionKey: this.sessionKey, file: this.file })),
    );
  }

  /** Flushes the index and closes the file; the file itself stays for later reading. */
  close(): void {
    this.flushIndex();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Reads indexed chunks back from their files. */
export function readChunks(rows: LogSpan[]): LogChunk[] {
  const fds = new Map<string, number>();
  try {
    return rows.map((r) => {
      let fd = fds.get(r.file);
      if (fd === undefined) {
        fd = openSync(r.file, 'r');
        fds.set(r.file, fd);
      }
      const buf = Buffer.alloc(r.length);
      readSync(fd, buf, 0, r.length, r.offset);
      return {
        gatewayId: r.gatewayId,
        sessionKey: r.sessionKey,
        stream: r.stream,
        at: r.at,
        text: buf.toString('utf8'),
      };
    });
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}
