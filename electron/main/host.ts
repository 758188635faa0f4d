// The desktop host, written against the slice of Electron it uses so that tests can hand it a fake
// module (the Electron binary cannot run everywhere). It builds the engine from the same
// configuration as the CLI — flags after the app path, TRAJSCOPE_* env, --config, saved settings —
// keeps saved secrets in Electron's safeStorage, and opens one hardened window.
import { join } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { Command } from 'commander';
import type { ExportRequest, ExportSaved } from '../../shared/api.ts';
import { IPC } from '../../shared/channels.ts';
import { linkInArgs, SCHEME, viewOfLink } from './deep-link.ts';
import { createApiHandlers } from '../core/api/handlers.ts';
import { exportTally, exportToFile, linesToFile, maskedLines } from '../core/export/file.ts';
import { exportOptions, newTally } from '../core/export/jsonl.ts';
import { addConfigOptions, flagsFrom, loadConfig } from '../core/config/cli.ts';
import type { ConfigService, SecretCodec } from '../core/config/service.ts';
import type { EngineEvents } from '../core/events.ts';
import { Workbench } from '../core/workbench.ts';
import {
  EVENTS,
  forwardEvents,
  isTrustedSender,
  registerIpc,
  registerSaveExport,
  type IpcMainLike,
  type SenderInfo,
} from './ipc.ts';
import { applyCsp, lockNavigation, secureWebPreferences, type SessionLike, type WebContentsLike } from './security.ts';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface WindowLike {
  webContents: WebContentsLike & { id: number; send(channel: string, ...args: unknown[]): void };
  isDestroyed(): boolean;
  once(event: 'ready-to-show', fn: () => void): void;
  on(event: 'closed', fn: () => void): void;
  show(): void;
  loadURL(url: string): Promise<void>;
}

/** The parts of the `electron` module the desktop host uses. */
export interface ElectronLike {
  app: {
    whenReady(): Promise<unknown>;
    isPackaged: boolean;
    setAsDefaultProtocolClient(scheme: string): boolean;
    on(event: 'second-instance', fn: (event: unknown, argv: string[]) => void): unknown;
    on(event: 'open-url', fn: (event: { preventDefault(): void }, url: string) => void): unknown;
  };
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => WindowLike;
  ipcMain: IpcMainLike;
  session: { defaultSession: SessionLike };
  shell: { openExternal(url: string): Promise<void> };
  safeStorage: SafeStorageLike;
  dialog: {
    showSaveDialog(
      window: WindowLike,
      options: { title: string; defaultPath: string; filters: Array<{ name: string; extensions: string[] }> },
    ): Promise<{ canceled: boolean; filePath?: string }>;
  };
}

/** Saved secrets encrypted by the OS keychain, where there is a real one (not Linux's plain-text fallback). */
export function safeStorageCodec(s: SafeStorageLike): SecretCodec | undefined {
  if (!s.isEncryptionAvailable() || s.getSelectedStorageBackend?.() === 'basic_text') return undefined;
  return {
    name: 'electron-safeStorage',
    encode: (plain) => s.encryptString(plain).toString('base64'),
    decode: (stored) => s.decryptString(Buffer.from(stored, 'base64')),
  };
}

/** The desktop's configuration: the same options, sources and order as `trajscope serve`. */
export function desktopConfig(args: string[], env: NodeJS.ProcessEnv, codec: SecretCodec | undefined): ConfigService {
  // Chromium's own switches may follow the app path: they are not ours, so they are let through
  const cmd = addConfigOptions(new Command('trajscope')).allowUnknownOption().allowExcessArguments().exitOverride();
  cmd.parse(args, { from: 'user' });
  const { flags, configFile } = flagsFrom(cmd.opts());
  return loadConfig({ flags, configFile, env, codec });
}

export interface Desktop {
  wb: Workbench;
  window: WindowLike;
  stop(): Promise<void>;
}

/** Starts the engine and opens the window; `stop` undoes both (the app calls it before quitting). */
export async function startDesktop(
  electron: ElectronLike,
  args: string[],
  env: NodeJS.ProcessEnv,
  appDir: string,
): Promise<Desktop> {
  await electron.app.whenReady();
  process.umask(0o077); // the data dir is the user's alone, whatever the desktop session's umask
  const config = desktopConfig(args, env, safeStorageCodec(electron.safeStorage));
  // the leak detectors' worker is built beside this file (electron.vite.config.ts)
  const wb = await new Workbench(config, {
    analysisWorker: join(appDir, 'analysis-worker.cjs'),
    startedBy: 'the desktop app',
  }).start();
  try {
    applyCsp(electron.session.defaultSession);
    const win = new electron.BrowserWindow({
      width: 1400,
      height: 900,
      show: false,
      title: 'Trajscope',
      webPreferences: secureWebPreferences(join(appDir, '../preload/index.cjs')),
    });
    const appUrl = `file://${join(appDir, '../renderer/index.html')}`;
    lockNavigation(win.webContents, appUrl, (url) => void electron.shell.openExternal(url));
    const handlers = createApiHandlers(wb);
    const trusted = (e: SenderInfo) => isTrustedSender(e, win.webContents.id, ['file://']);
    const stopIpc = registerIpc(
      electron.ipcMain,
      handlers,
      trusted,
      (m) => wb.warn(m),
      () => wb.store.durable(),
    );
    const stopSave = registerSaveExport(
      electron.ipcMain,
      trusted,
      (r) => saveExport(electron, win, wb, r),
      (m) => wb.warn(m),
    );
    const stopEvents = forwardEvents(
      wb.events as EngineEvents,
      (b) => !win.isDestroyed() && win.webContents.send(EVENTS, wb.secretMask().value(b)),
    );
    // trajscope:// links (Copy link in this app) open their view here (deep-link.ts)
    const open = (link: string | null) => {
      const view = link ? viewOfLink(link) : null;
      if (!view || win.isDestroyed()) return;
      win.webContents.send(IPC.navigate, view);
      win.show();
    };
    electron.app.setAsDefaultProtocolClient(SCHEME);
    electron.app.on('second-instance', (_e, argv) => open(linkInArgs(argv)));
    electron.app.on('open-url', (e, url) => {
      e.preventDefault();
      open(url);
    });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      stopEvents();
      stopIpc();
      stopSave();
    });
    await win.loadURL(appUrl);
    open(linkInArgs(args)); // the app was launched by a link
    return {
      wb,
      window: win,
      stop: async () => {
        stopEvents();
        stopIpc();
        stopSave();
        await wb.stop();
      },
    };
  } catch (err) {
    await wb.stop();
    throw err;
  }
}

/** The desktop's download: where to save is asked here, in the main process; null when cancelled. */
async function saveExport(
  electron: ElectronLike,
  win: WindowLike,
  wb: Workbench,
  r: ExportRequest,
): Promise<ExportSaved> {
  if (r.sessionKey !== undefined && !wb.store.sessions.get(r.sessionKey))
    throw new Error(`unknown session ${r.sessionKey}`);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const picked = await electron.dialog.showSaveDialog(win, {
    title: 'Export trajectories',
    defaultPath: `trajscope-${stamp}.jsonl`,
    filters: [{ name: 'JSON Lines', extensions: ['jsonl'] }],
  });
  if (picked.canceled || !picked.filePath) return null;
  if (r.hosts) {
    // a hub's export of several hosts: what it will write counted first, then the lines streamed in
    if (!wb.hub?.hosts.length) throw new Error('hosts: this engine has no remotes (it is no hub)');
    const tally = await wb.hub.mergedPreview(r, (req) => exportTally(wb.store, req));
    const own = () => maskedLines(wb.store, exportOptions(r), wb.secretMask());
    await linesToFile(await wb.hub.mergedExport(r, own), picked.filePath);
    return { ...tally, file: picked.filePath };
  }
  const tally = await exportToFile(
    wb.store,
    { ...exportOptions(r), tally: newTally() },
    wb.secretMask(),
    picked.filePath,
  );
  return { ...tally, file: picked.filePath };
}
