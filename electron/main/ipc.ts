// The IPC bridge on the main side: one handler for every invoke channel of shared/api.ts. Each
// call is checked for its sender (our window's main frame, loaded from our files) and its payload
// (the channel's schema) before the engine sees it. Events go out batched.
import type { EventBatch } from '../../shared/api.ts';
import { isInvokeChannel } from '../../shared/api.ts';
import type { ApiHandlers } from '../core/api.ts';
import { invokeChannel } from '../core/api.ts';
import { batchEvents, type EngineEvents } from '../core/events.ts';
import { HttpError } from '../core/http/errors.ts';

export const INVOKE = 'trajscope:invoke';
export const EVENTS = 'trajscope:events';

/** The sender facts the check needs (a subset of Electron's IpcMainInvokeEvent). */
export interface SenderInfo {
  senderFrame: { url: string; parent: unknown } | null;
  sender: { id: number };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderInfo, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Only our own top-level page may call: a file:// URL under the app (or the dev server). */
export function isTrustedSender(e: SenderInfo, webContentsId: number, allowedOrigins: string[]): boolean {
  if (!e.senderFrame || e.senderFrame.parent !== null || e.sender.id !== webContentsId) return false;
  try {
    const url = new URL(e.senderFrame.url);
    return allowedOrigins.some((o) => (o === 'file://' ? url.protocol === 'file:' : url.origin === o));
  } catch {
    return false;
  }
}

export function registerIpc(ipcMain: IpcMainLike, handlers: ApiHandlers, trusted: (e: SenderInfo) => boolean): () => void {
  ipcMain.handle(INVOKE, async (event, channel, payload) => {
    if (!trusted(event)) return { ok: false, error: { status: 403, type: 'forbidden', message: 'untrusted sender' } };
    if (typeof channel !== 'string' || !isInvokeChannel(channel)) return { ok: false, error: { status: 404, type: 'not_found', message: `unknown channel ${String(channel)}` } };
    try {
      return { ok: true, result: await invokeChannel(handlers, channel, payload) };
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(500, 'internal error', 'server_error');
      return { ok: false, error: { status: e.status, type: e.type, message: e.message } };
    }
  });
  return () => ipcMain.removeHandler(INVOKE);
}

/** Forwards engine events to the window, batched (the same batching as the WebSocket host). */
export const forwardEvents = (events: EngineEvents, send: (batches: EventBatch[]) => void): (() => void) => batchEvents(events, send);
