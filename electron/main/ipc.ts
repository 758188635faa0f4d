// The IPC bridge on the main side: one handler for every invoke channel of shared/api.ts. Each
// call is checked for its sender (our window's main frame, loaded from our files) and its payload
// (the channel's schema) before the engine sees it. Events go out batched.
import type { EventBatch, InvokeEnvelope } from '../../shared/api.ts';
import { exportRequest, isInvokeChannel, type ExportRequest, type ExportSaved } from '../../shared/api.ts';
import { IPC } from '../../shared/channels.ts';
import { invokeEnvelope, type ApiHandlers } from '../core/api/handlers.ts';
import { batchEvents, type EngineEvents } from '../core/events.ts';

export const INVOKE = IPC.invoke;
export const EVENTS = IPC.events;

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

/**
 * Handles every invoke: sender check, channel check, payload check, then the engine; errors are
 * logged by `log`; an answer waits for `settled` (what the channel wrote is committed).
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  handlers: ApiHandlers,
  trusted: (e: SenderInfo) => boolean,
  log: (message: string) => void,
  settled: () => Promise<void>,
): () => void {
  ipcMain.handle(INVOKE, async (event, channel, payload): Promise<InvokeEnvelope> => {
    if (!trusted(event)) return { ok: false, error: { status: 403, type: 'forbidden', message: 'untrusted sender' } };
    if (typeof channel !== 'string' || !isInvokeChannel(channel)) {
      return { ok: false, error: { status: 404, type: 'not_found', message: `unknown channel ${String(channel)}` } };
    }
    return invokeEnvelope(handlers, channel, payload, log, settled);
  });
  return () => ipcMain.removeHandler(INVOKE);
}

/** Forwards engine events to the window, batched (the same batching as the WebSocket host). */
export const forwardEvents = (events: EngineEvents, send: (batches: EventBatch[]) => void): (() => void) =>
  batchEvents(events, send);

/**
 * The desktop's export: the sender and the choices are checked like any invoke, then `save` asks
 * where (the main process's dialog: the renderer never names a path) and writes the file.
 */
export function registerSaveExport(
  ipcMain: IpcMainLike,
  trusted: (e: SenderInfo) => boolean,
  save: (request: ExportRequest) => Promise<ExportSaved>,
  log: (message: string) => void,
): () => void {
  ipcMain.handle(IPC.saveExport, async (event, payload): Promise<InvokeEnvelope> => {
    if (!trusted(event)) return { ok: false, error: { status: 403, type: 'forbidden', message: 'untrusted sender' } };
    const r = exportRequest.safeParse(payload);
    if (!r.success) {
      const message = r.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
      return { ok: false, error: { status: 400, type: 'invalid_request_error', message } };
    }
    try {
      return { ok: true, result: await save(r.data) };
    } catch (err) {
      log(`export failed: ${(err as Error).message}`);
      return { ok: false, error: { status: 500, type: 'export_failed', message: (err as Error).message } };
    }
  });
  return () => ipcMain.removeHandler(IPC.saveExport);
}
