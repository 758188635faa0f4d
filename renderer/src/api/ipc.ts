// The Electron transport: the preload's allow-listed bridge (window.trajscope).
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
import { ApiError, EventHub } from './http.ts';

/** What the preload exposes; nothing else of Electron reaches the renderer. */
export interface TrajscopeBridge {
  invoke(channel: string, request: unknown): Promise<InvokeEnvelope>;
  /** Views the app is asked to open (trajscope:// deep links), when the host passes them on. */
  onNavigate?(listener: (view: string) => void): () => void;
  /** The main process asks where to save (its dialog) and writes the file. */
  saveExport(request: ExportRequest): Promise<InvokeEnvelope>;
  onEvents(listener: (batches: EventBatch[]) => void): () => void;
}

export class IpcTransport implements WorkbenchApi {
  private readonly bridge: TrajscopeBridge;
  private readonly hub = new EventHub();

  constructor(bridge: TrajscopeBridge) {
    this.bridge = bridge;
    bridge.onEvents((batches) => this.hub.dispatch(batches));
  }

  async invoke<K extends InvokeChannel>(channel: K, request: InvokeRequest<K>): Promise<InvokeResponse<K>> {
    const r = await this.bridge.invoke(channel, request ?? {});
    if (!r.ok) throw new ApiError(r.error.status, r.error.message, r.error.type);
    return r.result as InvokeResponse<K>;
  }

  on<K extends EventChannel>(channel: K, listener: (payload: EventPayloads[K]) => void): () => void {
    return this.hub.on(channel, listener);
  }

  async saveExport(request: ExportRequest): Promise<ExportSaved> {
    const r = await this.bridge.saveExport(request);
    if (!r.ok) throw new ApiError(r.error.status, r.error.message, r.error.type);
    return r.result as ExportSaved;
  }

  /** IPC events are subscribed before the first invoke and never drop: nothing to reload. */
  onConnected(): () => void {
    return () => {};
  }

  /** The engine runs inside the app: when it fails the app says so itself (main/index.ts). */
  onDisconnected(): () => void {
    return () => {};
  }
}
