// Notices in Chromium: what went well goes by itself, an error stays until it is dismissed, and
// neither sits over a session's terminal or composer (bottom left, over the sessions rail).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';

describe('notices', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  test('an error stays until dismissed; a success goes by itself; neither covers the composer', async () => {
    await ui.api('sessions:create', { key: 'notices', runtime: 'direct' });
    await ui.page.goto(`${ui.host.ready.ui}#/settings`);
    await ui.page.getByLabel('Tokenizer', { exact: true }).fill('/nowhere/tokenizer');
    await ui.page.getByRole('button', { name: 'Save tokenizer' }).click();
    const error = ui.page.getByRole('alert').filter({ hasText: /tokenizer \/nowhere/ });
    await error.waitFor();
    await ui.page.waitForTimeout(9_000); // past the time a success stays
    assert.equal(await error.count(), 1, 'the error is still there');
    await error.getByRole('button', { name: 'Dismiss' }).click();
    await error.waitFor({ state: 'detached' });

    await ui.page.getByLabel('Tokenizer', { exact: true }).fill('');
    await ui.page.getByRole('button', { name: 'Save tokenizer' }).click();
    const done = ui.page.getByRole('status').filter({ hasText: 'Tokenizer saved' });
    await done.waitFor();
    // on a session's page it sits beside, not over, what the user types into
    await ui.page.evaluate(() => (location.hash = '#/session/notices')); // no reload: the notice stays
    const input = ui.page.getByPlaceholder(/Message to this session/);
    await input.waitFor();
    const composer = await input.boundingBox();
    const box = await done.boundingBox();
    assert.ok(box && composer && box.x + box.width <= composer.x, 'the notice is left of the composer');
    await done.waitFor({ state: 'detached', timeout: 20_000 });
  });
});
