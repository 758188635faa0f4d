// A newcomer's first run: a fresh copy of the checkout (the tracked files only, so no out/), its
// installed dependencies, `npm start` — which must build the UI itself, say so in one line, and
// serve it — and the first screen in Chromium is the workbench.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { chromiumMissing, launchChromium } from '../helpers/browser.ts';
import { tempDir } from '../helpers/workbench.ts';

const ROOT = join(import.meta.dirname, '../..');
// what a clone holds: the tracked files (and, in a work tree, the new ones not yet committed)
const tracked = spawnSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
const noGit = tracked.status === 0 ? false : 'not a git checkout';

describe('first run from a fresh checkout', { skip: chromiumMissing || noGit }, () => {
  const dir = tempDir('trajscope-first-run-');
  after(() => dir.remove());

  test(
    'npm start builds the UI (one line), serves it, and the first screen is the workbench',
    { timeout: 240_000 },
    async () => {
      const copy = join(dir.path, 'checkout');
      for (const file of tracked.stdout.split('\0').filter(Boolean)) {
        if (!existsSync(join(ROOT, file))) continue; // deleted in the work tree, not yet committed
        mkdirSync(dirname(join(copy, file)), { recursive: true });
        cpSync(join(ROOT, file), join(copy, file));
      }
      // what `npm ci` would have installed
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      symlinkSync(join(ROOT, 'openclaw-runtime', 'node_modules'), join(copy, 'openclaw-runtime', 'node_modules'));
      assert.equal(existsSync(join(copy, 'out')), false);

      const child = spawn(
        'npm',
        ['start', '--', '--data-dir', join(dir.path, 'data'), '--runtime', 'direct', '--pool-size', '0'],
        {
          cwd: copy,
          detached: true, // its own process group, so the whole npm → node tree stops together
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      try {
        const ready = await new Promise<{ ui: string }>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (d) => {
            out += d;
            const m = /TRAJSCOPE_READY (\{.*\})\n/.exec(out);
            if (m) resolve(JSON.parse(m[1]!));
          });
          child.once('exit', (code) => reject(new Error(`npm start exited ${code}: ${stderr}`)));
        });
        const building = stderr.split('\n').filter((l) => l.includes('building the UI'));
        assert.deepEqual(building, ['trajscope: building the UI (out/renderer is missing)…']);
        assert.ok(existsSync(join(copy, 'out', 'renderer', 'index.html')));
        const browser = await launchChromium();
        try {
          const page = await browser.newPage();
          await page.goto(ready.ui);
          await page.locator('.brand', { hasText: 'Trajscope' }).waitFor();
          await page.getByText('No sessions yet').waitFor();
          assert.equal(await page.title(), 'Trajscope');
          mkdirSync('test-results', { recursive: true });
          await page.screenshot({ path: 'test-results/0-first-run.png' });
          // the address without its token: the HTML itself says what it is and what it needs (for a
          // reader without JavaScript), and the page asks for the printed URL instead of showing nothing
          const bare = new URL(ready.ui).origin + '/';
          const html = await (await fetch(bare)).text();
          assert.match(html, /Trajscope workbench/);
          assert.match(html, /<noscript>[\s\S]*printed in its terminal[\s\S]*<\/noscript>/);
          const locked = await browser.newPage();
          await locked.goto(bare);
          await locked.getByRole('heading', { name: 'This page needs the URL the engine printed' }).waitFor();
        } finally {
          await browser.close();
        }
      } finally {
        if (child.exitCode === null) {
          process.kill(-child.pid!, 'SIGTERM');
          await once(child, 'exit');
        }
      }
    },
  );
});
