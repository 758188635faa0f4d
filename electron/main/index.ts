// Electron host: runs the engine in the main process, opens one hardened window, bridges the typed
// API over IPC, and stops every gateway when the app quits.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { createApiHandlers } from '../core/api.ts';
import { Workbench } from '../core/workbench.ts';
import { EVENTS, forwardEvents, isTrustedSender, registerIpc, type SenderInfo } from './ipc.ts';
import { applyCsp, lockNavigation, secureWebPreferences } from './security.ts';

app.enableSandbox();
let wb: Workbench | null = null;

async function main(): Promise<void> {
  await app.whenReady();
  const dataDir = process.env.TRAJSCOPE_DATA_DIR ?? join(app.getPath('userData'), 'data');
  wb = await new Workbench({ dataDir }).start();
  applyCsp(session.defaultSession);
  const win = new BrowserWindow({ width: 1400, height: 900, show: false, title: 'Trajscope', webPreferences: secureWebPreferences(join(__dirname, '../preload/index.cjs')) });
  const appUrl = `file://${join(__dirname, '../renderer/index.html')}`;
  lockNavigation(win.webContents, appUrl, (url) => void shell.openExternal(url));
  const stopIpc = registerIpc(ipcMain as never, createApiHandlers(wb), (e: SenderInfo) => isTrustedSender(e, win.webContents.id, ['file://']));
  const stopEvents = forwardEvents(wb.events, (batches) => !win.isDestroyed() && win.webContents.send(EVENTS, batches));
  win.once('ready-to-show', () => win.show());
  await win.loadURL(appUrl);
  win.on('closed', () => {
    stopEvents();
    stopIpc();
  });
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !wb) return;
  event.preventDefault();
  quitting = true;
  void wb.stop().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());

main().catch((err: Error) => {
  process.stderr.write(`trajscope: ${err.message}\n`);
  app.exit(1);
});
