// The real Electron window, where the Electron binary exists. Where it cannot be downloaded the
// test is reported as skipped with the reason; everything behind the window is covered without it.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { _electron } from 'playwright-core';
import { allProcesses } from '../../electron/core/gateways/procfs.ts';
import { electronBinary, ROOT } from '../../scripts/electron-binary.ts';
import { tempDir } from '../helpers/workbench.ts';

const electron = electronBinary();

test(
  'Electron: the window opens sandboxed, talks to the engine over IPC, and quitting stops everything',
  { skip: electron.path ? false : electron.reason, timeout: 120_000 },
  async () => {
    const dir = tempDir();
    mkdirSync('test-results', { recursive: true });
    const app = await _electron.launch({
      executablePath: electron.path!,
      args: [ROOT],
      env: { ...process.env, TRAJSCOPE_DATA_DIR: dir.path, TRAJSCOPE_OPENCLAW_NODE: process.execPath } as Record<
        string,
        string
      >,
    });
    try {
      const page = await app.firstWindow();
      await page.getByText('No sessions yet').waitFor();
      assert.equal(
        await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require),
        'undefined',
        'no Node in the renderer',
      );
      assert.deepEqual(await page.evaluate(() => Object.keys((window as unknown as { trajscope: object }).trajscope)), [
        'invoke',
        'onEvents',
      ]);
      await page.keyboard.press('N');
      await page.locator('.rail-item.selected').waitFor();
      // a turn starts the session's gateway (OpenClaw is the default runtime where it is installed)
      await page.getByLabel('Message').fill('hello from Electron');
      await page.getByLabel('Message').press('Control+Enter');
      await page.locator('.turn-view .state.ok').waitFor({ timeout: 90_000 });
      await page.screenshot({ path: 'test-results/electron-window.png' });
      await app.close();
      const left = allProcesses().filter((p) => {
        try {
          return readFileSync(`/proc/${p.pid}/environ`, 'utf8').includes(`OPENCLAW_STATE_DIR=${dir.path}`);
        } catch {
          return false;
        }
      });
      assert.deepEqual(left, [], 'quitting stopped every gateway');
    } finally {
      await app.close().catch(() => {});
      dir.remove();
    }
  },
);
