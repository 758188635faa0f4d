// The engine's typed event bus: every state change the UI mirrors goes through here.
import { EventEmitter } from 'node:events';
import { EVENT_CHANNELS, type EventBatch, type EventChannel, type EventPayloads } from '../../shared/api.ts';

export class EngineEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<K extends EventChannel>(channel: K, payload: EventPayloads[K]): void {
    this.emitter.emit(channel, payload);
  }

  /** Whether anyone listens: lets producers skip building payloads nobody will read. */
  has(channel: EventChannel): boolean {
    return this.emitter.listenerCount(channel) > 0;
  }

  /**
   * Listens until the returned function is called. A listener that throws is reported and the
   * others still hear the event: one view's bug never breaks the engine step that emitted it.
   */
  on<K extends EventChannel>(channel: K, listener: (payload: EventPayloads[K]) => void): () => void {
    const isolated = (payload: EventPayloads[K]) => {
      try {
        listener(payload);
      } catch (err) {
        process.emitWarning(`trajscope: a ${channel} listener failed: ${(err as Error)?.stack ?? String(err)}`);
      }
    };
    this.emitter.on(channel, isolated);
    return () => this.emitter.off(channel, isolated);
  }
}

/**
 * Forwards every engine event to `send` in batches: one message per ~16 ms, cut early at ~256 KB
 * of log text so a burst never becomes one huge message. Used by both hosts (IPC and WebSocket).
 */
export function batchEvents(
  events: EngineEvents,
  send: (batches: EventBatch[]) => void,
  maxLogChars = 256 * 1024,
): () => void {
  let pending = new Map<EventChannel, unknown[]>();
  let timer: NodeJS.Timeout | null = null;
  let chars = 0;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    chars = 0;
    if (pending.size === 0) return;
    const batches = [...pending].map(([channel, payloads]) => ({ channel, payloads }));
    pending = new Map();
    send(batches);
  };
  const offs = EVENT_CHANNELS.map((ch) =>
    events.on(ch, (p) => {
      const list = pending.get(ch) ?? [];
      list.push(p);
      pending.set(ch, list);
      if (ch === 'logs:chunk') chars += (p as EventPayloads['logs:chunk']).text.length;
      if (chars > maxLogChars) flush();
      else timer ??= setTimeout(flush, 16);
    }),
  );
  return () => {
    offs.forEach((off) => off());
    if (timer) clearTimeout(timer);
  };
}
