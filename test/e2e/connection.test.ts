// What the page says about the engine behind it, in Chromium against the headless host: a link
// from the address bar opens its view in a new tab (the printed URL's token became a cookie), an
// engine that stops or hangs shows as disconnected within seconds and nothing live stays "idle",
// a hung engine that resumes is reconnected to by itself, and a restarted engine's page says it
// belongs to the stopped run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium, shot, workbenchPage } from '../helpers/browser.ts';
import { startHost, type Host } from '../helpers/host.ts';
import { request, tempDir } from '../helpers/workbench.ts';

describe('the page and the engine behind it', { skip: chromiumMissing }, () => {
  const dir = tempDir();
  let browser: Browser;
  let host: Host;
  const api = (channel: string, body: unknown) =>
    request(`${host.ready.api}/api/invoke/${channel}`, 'POST', body, {
      authorization: `Bearer ${new URL(host.ready.ui).searchParams.get('token')}`,
    });
  before(async () => {
    host = await startHost(dir.path, ['--runtime', 'direct']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
    dir.remove();
  });

  test('a link copied from the address bar opens its view in a new tab; one without access says why', async () => {
    await api('sessions:create', { key: 'linked', runtime: 'direct' });
    await api('turns:send', { sessionKey: 'linked', message: 'hello there' });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(host.ready.ui);
      await page.locator('.rail-item[data-key=linked]').click();
      await page.locator('.turn', { hasText: 'hello there' }).click();
      await page.locator('.turn-view .state.ok').waitFor();
      const link = page.url();
      assert.equal(new URL(link).searchParams.get('token'), null, 'no token in the address bar');
      assert.match(new URL(link).hash, /session\/linked\/episode\/.+\/turn\//);

      const other = await context.newPage();
      await other.goto(link);
      await other.locator('h2.key', { hasText: 'linked' }).waitFor();
      await other.locator('.turn.selected', { hasText: 'hello there' }).waitFor();
      await shot(other, 'link-opened-in-new-tab');

      // another browser (no cookie): it is told to open the printed URL, not shown an empty workbench
      const stranger = await browser.newContext();
      try {
        const p = await stranger.newPage();
        await p.goto(link);
        const locked = p.getByTestId('locked');
        await locked.getByText('This page needs the URL the engine printed').waitFor();
        assert.equal(await p.locator('.rail').count(), 0);
        await shot(p, 'locked-needs-printed-url');
        // a wrong token is refused on the spot; the printed URL pasted opens the linked view
        await locked.getByLabel('Printed URL or token').fill('not-this-runs-token');
        await locked.getByRole('button', { name: 'Open' }).click();
        await locked.getByRole('alert').getByText("That is not this engine run's token").waitFor();
        await locked.getByLabel('Printed URL or token').fill(host.ready.ui);
        await locked.getByRole('button', { name: 'Open' }).click();
        await p.locator('.turn.selected', { hasText: 'hello there' }).waitFor();
        assert.equal(new URL(p.url()).searchParams.get('token'), null, 'no token left in the address bar');
      } finally {
        await stranger.close();
      }
    } finally {
      await context.close();
    }
  });

  test('a hung engine shows as disconnected, nothing live stays current; the page comes back by itself', async () => {
    const page = await workbenchPage(browser);
    try {
      await page.goto(`${host.ready.ui}#/session/linked`);
      await page.locator('.rail-item[data-key=linked] .dot.idle').waitFor();
      host.child.kill('SIGSTOP'); // its sockets stay open: only the silence tells
      try {
        await page.getByTestId('offline-banner').getByText('Engine disconnected').waitFor({ timeout: 10_000 });
        await page.locator('.rail-item[data-key=linked] .dot.unknown').waitFor();
        assert.equal(await page.locator('.dot.idle').count(), 0, 'no session still shows as idle');
        await shot(page, 'engine-hung');
      } finally {
        host.child.kill('SIGCONT');
      }
      // back: the banner goes and what changed meanwhile is loaded again
      await api('sessions:create', { key: 'while-away', runtime: 'direct' });
      await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 });
      await page.locator('.rail-item[data-key=while-away]').waitFor();
    } finally {
      await page.close();
    }
  });

  test('a stopped engine: the banner within 2 s; restarted, the page says it belongs to the stopped run', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    try {
      await page.goto(`${host.ready.ui}#/session/linked`);
      await page.locator('.rail-item[data-key=linked] .dot.idle').waitFor();
      const port = new URL(host.ready.ui).port;
      assert.equal(await host.stop(), 0);
      const stopped = Date.now();
      await page.getByTestId('offline-banner').getByText('Engine disconnected').waitFor({ timeout: 10_000 });
      const shownAfter = Date.now() - stopped;
      assert.ok(shownAfter < 2000, `the banner showed ${shownAfter} ms after the engine stopped`);
      await shot(page, 'engine-stopped');

      host = await startHost(dir.path, ['--runtime', 'direct', '--port', port]);
      await page.getByTestId('offline-banner').getByText('The engine was restarted').waitFor({ timeout: 15_000 });
      // the old run's link, opened again: it says so instead of an empty workbench
      const again = await context.newPage();
      await again.goto(`${new URL(host.ready.ui).origin}/#/session/linked`);
      await again.getByTestId('locked').getByText('belongs to an engine run that has stopped').waitFor();
      await shot(again, 'link-of-stopped-run');
      // the printed URL of the new run opens it
      await again.goto(`${host.ready.ui}#/session/linked`);
      await again.locator('h2.key', { hasText: 'linked' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
