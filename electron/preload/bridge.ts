// What the preload exposes as window.trajscope: invoke on allow-listed channels only, and one
// event subscription. Built from shared/api.ts, so a channel not declared there cannot be called.
import type { EventBatch, InvokeEnvelope } from '../../shared/api.ts';
import { INVOKE_CHANNEL_NAMES, IPC } from '../../shared/channels.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}

const ALLOWED = new Set<string>(INVOKE_CHANNEL_NAMES);

export function createBridge(ipc: IpcRendererLike) {
  return {
    invoke(channel: string, request: unknown): Promise<InvokeEnvelope> {
      if (typeof channel !== 'string' || !ALLOWED.has(channel)) {
        const message = `unknown channel ${String(channel)}`;
        return Promise.resolve({ ok: false, error: { status: 404, type: 'not_found', message } });
      }
      // structured clone drops anything that is not plain data before it leaves the renderer
      return ipc.invoke(IPC.invoke, channel, structuredClone(request ?? {})) as Promise<InvokeEnvelope>;
    },
    /** The main process checks the choices, asks where to save and writes the file. */
    saveExport(request: unknown): Promise<InvokeEnvelope> {
      return ipc.invoke(IPC.saveExport, structuredClone(request ?? {})) as Promise<InvokeEnvelope>;
    },
    /** A view the app was asked to open (a deep link): only a `#/…` address is passed on. */
    onNavigate(listener: (view: string) => void): () => void {
      const wrapped = (_event: unknown, view: unknown) => {
        if (typeof view === 'string' && view.startsWith('#/')) listener(view);
      };
      ipc.on(IPC.navigate, wrapped);
      return () => ipc.removeListener(IPC.navigate, wrapped);
    },
    onEvents(listener: (batches: EventBatch[]) => void): () => void {
      const wrapped = (_event: unknown, batches: unknown) => listener(batches as EventBatch[]);
      ipc.on(IPC.events, wrapped);
      return () => ipc.removeListener(IPC.events, wrapped);
    },
  };
}
