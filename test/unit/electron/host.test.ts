import { fileURLToPath } from 'node:url';
// The desktop host with a fake `electron` module (the one edge mocked: the Electron binary cannot be
// downloaded here). It must build its engine from the same configuration as the CLI, open a
// hardened window, answer IPC, and keep saved secrets in safeStorage rather than in plain text.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { INVOKE } from '../../../electron/main/ipc.ts';
import { IPC } from '../../../shared/channels.ts';
import {
  desktopConfig,
  safeStorageCodec,
  startDesktop,
  type ElectronLike,
  type SafeStorageLike,
} from '../../../electron/main/host.ts';
import { DataDirBusyError, DataDirLock } from '../../../electron/core/store/data-dir-lock.ts';
import { startHost } from '../../helpers/host.ts';
import { tempDir } from '../../helpers/workbench.ts';

// A reversible stand-in for the OS keychain: what it writes is not the plain text.
const keychain: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
};

function fakeElectron(savePath: () => string | null = () => null) {
  const windows: Array<{ options: Record<string, unknown>; url: string | null }> = [];
  const saveDialogs: Array<{ defaultPath: string }> = [];
  const sent: unknown[][] = [];
  const appHandlers = new Map<string, (...a: any[]) => void>();
  const protocols: string[] = [];
  const handlers = new Map<string, (e: never, ...a: unknown[]) => Promise<unknown>>();
  const electron: ElectronLike = {
    app: {
      whenReady: async () => undefined,
      isPackaged: false,
      setAsDefaultProtocolClient: (scheme: string) => protocols.push(scheme) > 0,
      on: (event: string, fn: (...a: any[]) => void) => appHandlers.set(event, fn),
    },
    BrowserWindow: class {
      webContents = {
        id: 3,
        on: () => undefined,
        setWindowOpenHandler: () => undefined,
        send: (...a: unknown[]) => void sent.push(a),
      };
      constructor(options: Record<string, unknown>) {
        windows.push({ options, url: null });
      }
      isDestroyed = () => false;
      once = () => undefined;
      on = () => undefined;
      show = () => undefined;
      loadURL = async (url: string) => void (windows.at(-1)!.url = url);
    } as unknown as ElectronLike['BrowserWindow'],
    ipcMain: { handle: (ch, fn) => void handlers.set(ch, fn), removeHandler: (ch) => void handlers.delete(ch) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => undefined },
        setPermissionRequestHandler: () => undefined,
      } as never,
    },
    shell: { openExternal: async () => undefined },
    safeStorage: keychain,
    dialog: {
      showSaveDialog: async (_win, options) => {
        saveDialogs.push(options);
        const filePath = savePath();
        return filePath ? { canceled: false, filePath } : { canceled: true };
      },
    },
  };
  return { electron, windows, handlers, saveDialogs, sent, appHandlers, protocols };
}

test('the desktop host builds its engine from flags, TRAJSCOPE_* env and saved settings, like serve', async () => {
  const dir = tempDir();
  let savePath: string | null = null;
  const { electron, windows, handlers, saveDialogs, sent, appHandlers, protocols } = fakeElectron(() => savePath);
  const env = {
    TRAJSCOPE_DATA_DIR: dir.path,
    TRAJSCOPE_RUNTIME: 'direct',
    TRAJSCOPE_OPENCLAW_BIN: join(dir.path, 'no-openclaw.mjs'),
  };
  // Chromium switches after the app path are let through; our flags are read
  // … and a trajscope:// link the app was launched with (what the OS passes on Linux and Windows)
  const args = [
    '--upstream-url',
    'http://127.0.0.1:9/v1',
    '--enable-logging',
    '--upstream-model',
    'desk-model',
    'trajscope://open/#/session/desk',
  ];
  // the real build (npm test builds first): the engine's analysis worker runs from it
  const appDir = fileURLToPath(new URL('../../../out/main', import.meta.url));
  const desktop = await startDesktop(electron, args, env, appDir);
  const page = `file://${join(appDir, '../renderer/index.html')}`;
  try {
    assert.equal(desktop.wb.analysis.where, 'worker', 'the leak detectors run on the worker built beside main');
    // the app holds its data dir like serve does: prune and a second engine are refused while it runs
    const busy = DataDirLock.check(dir.path);
    assert.ok(busy instanceof DataDirBusyError);
    assert.equal(busy.holder?.startedBy, 'the desktop app');
    assert.equal(busy.holder?.pid, process.pid);
    const c = desktop.wb.config.current;
    assert.equal(c.dataDir, dir.path);
    assert.equal(c.upstreamUrl, 'http://127.0.0.1:9/v1');
    assert.equal(desktop.wb.config.sourceOf('upstreamUrl'), 'flag');
    assert.equal(desktop.wb.config.sourceOf('runtime'), 'env');
    assert.equal(desktop.wb.info().upstream.model, 'desk-model');
    assert.equal(windows.length, 1);
    const prefs = windows[0]!.options.webPreferences as Record<string, unknown>;
    assert.deepEqual([prefs.sandbox, prefs.contextIsolation, prefs.nodeIntegration], [true, true, false]);
    assert.equal(windows[0]!.url, page);
    // Settings → Connections over IPC: the saved key goes through safeStorage
    const invoke = handlers.get(INVOKE)! as (e: unknown, ...a: unknown[]) => Promise<unknown>;
    const sender = { senderFrame: { url: page, parent: null }, sender: { id: 3 } };
    const saved = (await invoke(sender, 'config:set', { upstreamKey: 'sk-desk-0123456789' })) as { ok: boolean };
    assert.equal(saved.ok, true);
    const onDisk = readFileSync(join(dir.path, 'settings.json'), 'utf8');
    assert.ok(!onDisk.includes('sk-desk-0123456789'), 'no plain-text key on disk');
    assert.equal(JSON.parse(onDisk).upstreamKey.$secret, 'electron-safeStorage');

    // an export: checked like an invoke, saved where the main process's dialog says
    const save = handlers.get(IPC.saveExport)! as (e: unknown, ...a: unknown[]) => Promise<any>;
    const choices = {
      unlabeled: 'skip',
      includeLab: false,
      includeFailed: false,
      dropRetryOrphans: false,
      discount: 1,
    };
    const stranger = { senderFrame: { url: 'https://evil.example/', parent: null }, sender: { id: 3 } };
    assert.equal((await save(stranger, choices)).error.status, 403);
    const bad = await save(sender, { ...choices, unlabeled: 'maybe' });
    assert.deepEqual([bad.ok, bad.error.status], [false, 400]);
    assert.match(bad.error.message, /unlabeled/);
    assert.equal(saveDialogs.length, 0, 'no dialog for a refused request');
    assert.deepEqual(await save(sender, choices), { ok: true, result: null }, 'cancelled: nothing written');
    await invoke(sender, 'sessions:create', { key: 'desk' });
    savePath = join(dir.path, 'out', 'export.jsonl');
    mkdirSync(join(dir.path, 'out'));
    const saved2 = await save(sender, { ...choices, sessionKey: 'desk' });
    assert.deepEqual(saved2, {
      ok: true,
      result: { interactions: 0, episodes: 0, unlabeled: 0, lab: 0, noTokenIds: 0, file: savePath },
    });
    assert.equal(readFileSync(savePath, 'utf8'), '');
    assert.deepEqual(readdirSync(join(dir.path, 'out')), ['export.jsonl'], 'nothing left beside it');
    assert.match(saveDialogs[0]!.defaultPath, /^trajscope-\d{8}-\d{6}\.jsonl$/);
    const unknown = await save(sender, { ...choices, sessionKey: 'nobody' });
    assert.match(unknown.error.message, /unknown session nobody/);

    // deep links: registered, the launch link opened, later ones (second launch, macOS open-url) too
    assert.deepEqual(protocols, ['trajscope']);
    const navigations = () => sent.filter((m) => m[0] === IPC.navigate).map((m) => m[1]);
    assert.deepEqual(navigations(), ['#/session/desk']);
    appHandlers.get('second-instance')!({}, ['/opt/trajscope', 'trajscope://open/#/label']);
    let prevented = false;
    appHandlers.get('open-url')!({ preventDefault: () => (prevented = true) }, 'trajscope://open/#/groups/grp-1');
    assert.equal(prevented, true);
    // anything that is not a view address of ours is not acted on
    appHandlers.get('second-instance')!({}, ['/opt/trajscope', 'trajscope://open/javascript:alert(1)']);
    appHandlers.get('open-url')!({ preventDefault: () => {} }, 'https://evil.example/#/label');
    appHandlers.get('second-instance')!({}, ['/opt/trajscope', `trajscope://open/#/${'x'.repeat(5000)}`]);
    assert.deepEqual(navigations(), ['#/session/desk', '#/label', '#/groups/grp-1']);
  } finally {
    await desktop.stop();
  }
  try {
    const reread = desktopConfig([], { TRAJSCOPE_DATA_DIR: dir.path }, safeStorageCodec(keychain));
    assert.equal(reread.current.upstreamKey, 'sk-desk-0123456789');
    assert.throws(
      () => desktopConfig([], { TRAJSCOPE_DATA_DIR: dir.path }, undefined),
      /saved with electron-safeStorage and cannot be read here/,
    );
    const linuxPlain = { ...keychain, getSelectedStorageBackend: () => 'basic_text' };
    assert.equal(safeStorageCodec(linuxPlain), undefined, "Linux's plain-text fallback is not treated as encryption");
  } finally {
    dir.remove();
  }
});

test('the desktop app beside a running serve on the same data dir is refused before it touches anything', async () => {
  const dir = tempDir();
  const host = await startHost(dir.path, ['--runtime', 'direct']);
  try {
    const { electron, windows } = fakeElectron();
    const appDir = fileURLToPath(new URL('../../../out/main', import.meta.url));
    await assert.rejects(
      startDesktop(electron, [], { TRAJSCOPE_DATA_DIR: dir.path, TRAJSCOPE_RUNTIME: 'direct' }, appDir),
      (err: unknown) =>
        err instanceof DataDirBusyError &&
        err.holder?.pid === host.child.pid &&
        /pid \d+, trajscope serve/.test(err.message),
    );
    assert.equal(windows.length, 0, 'no window opened');
    // the live engine is unharmed and still holds its data dir
    assert.equal((await fetch(`${host.ready.proxy}/health`)).status, 200);
    assert.equal(DataDirLock.check(dir.path)?.holder?.pid, host.child.pid);
  } finally {
    await host.stop();
    dir.remove();
  }
});
