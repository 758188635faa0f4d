// What the user typed survives what happens in the background, in Chromium: the event stream
// drops and reconnects (the page reloads its snapshot, as after any reconnect or a late first
// load) while Settings → Connections holds typed values — they stay, and "Test connection" probes
// the typed server; a save made elsewhere under an edit is named, and the user picks. The fork
// editor, the composer, a label note, the OpenClaw overlay, the labeling settings, the gateways'
// sessions per gateway and the storage prune age keep their text across the same reconnect.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing } from '../helpers/browser.ts';
import { startFakeUpstream } from '../helpers/fake-upstream.ts';
import { uiRun } from '../helpers/ui.ts';

/** Drops the page's event stream (as a network would) and waits until the snapshot it reloads is drawn. */
async function reconnect(ui: ReturnType<typeof uiRun>): Promise<void> {
  const snapshot = ['app:info', 'settings:get', 'config:get', 'sessions:list', 'alerts:list', 'progress:list'].map(
    (c) => ui.page.waitForResponse((r) => r.url().endsWith(`/api/invoke/${c}`)),
  );
  await ui.page.evaluate(() => (window as any).__sockets.forEach((s: WebSocket) => s.close()));
  await Promise.all(snapshot);
  await ui.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe('typed input across background reloads', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  // every WebSocket the page opens, so a test can drop the event stream as a network would
  before(async () => {
    await ui.page.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = ((window as any).__sockets = []);
      (window as any).WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
  });

  test('Connections keeps typed values across a reconnect and names a save made elsewhere', async () => {
    const KEY = 'sk-e2e-drafts-77c1';
    const fake = await startFakeUpstream({ key: KEY });
    try {
      await ui.page.goto(`${ui.host.ready.ui}#/settings`);
      const connections = ui.page.getByRole('region', { name: 'Connections' });
      await connections.getByLabel('Upstream URL').fill(fake.url);
      await connections.getByLabel('Upstream key').fill(KEY);
      await connections.getByLabel('Upstream model').fill('fake-model');

      await reconnect(ui);
      assert.equal(await connections.getByLabel('Upstream URL').inputValue(), fake.url);
      assert.equal(await connections.getByLabel('Upstream key').inputValue(), KEY);
      assert.equal(await connections.getByLabel('Upstream model').inputValue(), 'fake-model');
      await connections.getByRole('button', { name: 'Test connection' }).click();
      await ui.page.getByTestId('probe-result').getByText('✓ 1 model: fake-model').waitFor();
      assert.ok(
        fake.requests.some((r) => r.headers.authorization === `Bearer ${KEY}`),
        'the probe went to the typed server',
      );

      // a save made elsewhere while the field is edited: named, the typed value kept until the user picks
      await ui.api('config:set', { upstreamModel: 'other-model' });
      const conflict = connections.getByTestId('draft-conflict');
      await conflict.getByText('saved value changed elsewhere (to other-model)').waitFor();
      assert.equal(await connections.getByLabel('Upstream model').inputValue(), 'fake-model');
      await conflict.getByRole('button', { name: 'take theirs', exact: true }).click();
      assert.equal(await connections.getByLabel('Upstream model').inputValue(), 'other-model');
      assert.equal(await conflict.count(), 0);
      // an untouched field follows saves made elsewhere
      await ui.api('config:set', { upstreamModel: 'third-model' });
      await connections.getByLabel('Upstream model').and(ui.page.locator('[value="third-model"]')).waitFor();
    } finally {
      await ui.api('config:set', { upstreamModel: null });
      await fake.stop();
    }
  });

  test('the fork editor, the composer and a label note keep what was typed across a reconnect', async () => {
    await ui.api('sessions:create', { key: 'drafts', runtime: 'direct' });
    const sent = await ui.api('turns:send', { sessionKey: 'drafts', message: 'My name is Ada.' });
    const { episodeId, id: turnId } = sent.body.result;
    // the fork editor, mid-edit
    await ui.page.goto(`${ui.host.ready.ui}#/session/drafts/episode/${episodeId}/turn/${turnId}`);
    await ui.page.locator('[data-testid=upstream-call] .call-body').first().waitFor();
    await ui.page.keyboard.press('Shift+F');
    const message = ui.page
      .getByRole('region', { name: 'Fork editor' })
      .getByRole('textbox', { name: /^Message \d+$/ })
      .last();
    await message.fill('My name is Grace, typed before the reconnect.');
    // the composer, mid-message
    const composer = ui.page.getByPlaceholder(/Message to this session/);
    await composer.fill('a message not sent yet');
    await reconnect(ui);
    assert.equal(await message.inputValue(), 'My name is Grace, typed before the reconnect.');
    assert.equal(await composer.inputValue(), 'a message not sent yet');
    // a label note, mid-typing
    await ui.api('episodes:end', { sessionKey: 'drafts' });
    await ui.page.goto(`${ui.host.ready.ui}#/label`);
    await ui.page.getByTestId('label-queue').getByText('drafts').first().waitFor();
    await ui.page.keyboard.press('n');
    await ui.page.getByLabel('Note').fill('remembered the name, typed before the reconnect');
    await reconnect(ui);
    assert.equal(await ui.page.getByLabel('Note').inputValue(), 'remembered the name, typed before the reconnect');
  });

  test('Settings → OpenClaw overlay and Labeling keep what was typed across a reconnect', async () => {
    await ui.page.goto(`${ui.host.ready.ui}#/settings`);
    const labeling = ui.page.getByRole('region', { name: 'Labeling' });
    await labeling.getByLabel('Labeler').fill('ann, typed');
    await labeling.getByLabel('Reward scale').fill('0, 0.5, 1');
    const overlay = ui.page.getByLabel('Config overlay');
    await overlay.fill('{"agents": {"defaults": {"typed": true}}}');
    await reconnect(ui);
    assert.equal(await labeling.getByLabel('Labeler').inputValue(), 'ann, typed');
    assert.equal(await labeling.getByLabel('Reward scale').inputValue(), '0, 0.5, 1');
    assert.equal(await overlay.inputValue(), '{"agents": {"defaults": {"typed": true}}}');
    // a save made elsewhere under the edit (seen at the next reload) is named, the typed value kept
    await ui.api('settings:set', { labeler: 'bob' });
    await reconnect(ui);
    await labeling.getByTestId('draft-conflict').getByText('saved value changed elsewhere (to bob)').waitFor();
    assert.equal(await labeling.getByLabel('Labeler').inputValue(), 'ann, typed');
  });

  test('Settings → Gateways and Storage keep what was typed across a reconnect', async () => {
    await ui.page.goto(`${ui.host.ready.ui}#/settings`);
    const gateways = ui.page.getByRole('region', { name: 'Gateways' });
    const perGateway = gateways.getByLabel('Sessions per shared gateway');
    const days = ui.page.getByLabel('Prune older than days');
    await days.fill('12');
    await perGateway.fill('5'); // typed last: it keeps the focus (leaving the field saves it)
    await reconnect(ui);
    assert.equal(await perGateway.inputValue(), '5');
    assert.equal(await days.inputValue(), '12');
    // saved elsewhere under the edit: named, the typed value kept until the user picks
    assert.equal((await ui.api('config:set', { sessionsPerGateway: 3 })).status, 200);
    await reconnect(ui);
    await gateways.getByTestId('draft-conflict').getByText('saved value changed elsewhere (to 3)').waitFor();
    assert.equal(await perGateway.inputValue(), '5');
    // leaving the field saves what was typed
    await perGateway.blur();
    await gateways.getByTestId('draft-conflict').waitFor({ state: 'detached' });
    assert.equal((await ui.api('config:get', {})).body.result.values.sessionsPerGateway, 5);
  });
});
