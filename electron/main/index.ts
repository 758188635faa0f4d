// Electron entry: only wiring. The host logic is in host.ts, so it can be tested with a fake module.
import * as electron from 'electron';
import { guardOutput } from '../core/output.ts';
import { DataDirBusyError } from '../core/store/data-dir-lock.ts';
import { startDesktop, type Desktop, type ElectronLike } from './host.ts';

guardOutput(); // a desktop app started from a terminal that then closed must not die writing to it
electron.app.enableSandbox();
// one app: a trajscope:// link opened while it runs goes to this window (host.ts), not a second app
if (!electron.app.requestSingleInstanceLock()) {
  electron.app.quit();
  process.exit(0);
}
let desktop: Desktop | null = null;
let quitting = false;

electron.app.on('before-quit', (event) => {
  if (quitting || !desktop) return;
  event.preventDefault();
  quitting = true;
  void desktop.stop().finally(() => electron.app.quit());
});
electron.app.on('window-all-closed', () => electron.app.quit());

// Arguments after the app path (or after the binary, once packaged) are ours.
const args = process.argv.slice(electron.app.isPackaged ? 1 : 2);
startDesktop(electron as unknown as ElectronLike, args, process.env, __dirname)
  .then((d) => (desktop = d))
  .catch((err: Error) => {
    process.stderr.write(`trajscope: ${err.message}\n`);
    // no window yet: the message must still reach a user who started the app from a launcher
    electron.dialog.showErrorBox('Trajscope could not start', err.message);
    electron.app.exit(err instanceof DataDirBusyError ? 2 : 1);
  });
