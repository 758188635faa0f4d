// The engine's typed event bus: every state change the UI mirrors goes through here.
import { EventEmitter } from 'node:events';
import type { EventChannel, EventPayloads } from '../../shared/api.ts';

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

  on<K extends EventChannel>(channel: K, listener: (payload: EventPayloads[K]) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }
}
