// A failed tool looks failed wherever the turn shows, in Chromium: the session rail, the turn list,
// the turn header, the Tool calls tab (the tool's own words and its result) and the Label view —
// so nobody rewards an answer the model made up around an error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';

describe('failed tool calls on screen', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  test('the direct runtime runs no tool: rail, turn, Tool calls tab and Label view say "tool error"', async () => {
    await ui.api('sessions:create', { key: 'weather', runtime: 'direct' });
    const sent = await ui.api('turns:send', { sessionKey: 'weather', message: 'What is the weather in Paris?' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const { episodeId, id: turnId } = sent.body.result;
    await ui.api('episodes:end', { sessionKey: 'weather' });

    await ui.page.goto(`${ui.host.ready.ui}#/session/weather/episode/${episodeId}/turn/${turnId}`);
    await ui.page.locator('.rail-item', { hasText: 'weather' }).getByTestId('tool-error').waitFor();
    await ui.page.locator('.turn.selected').getByTestId('tool-error').waitFor();
    await ui.page.locator('.turn-head').getByTestId('tool-error').getByText('tool error').waitFor();
    await ui.page.getByRole('tab', { name: 'Tool calls (1)' }).click();
    const pane = ui.page.getByRole('region', { name: 'Tool calls' });
    await pane
      .getByTestId('tool-call-error')
      .getByText('✗ failed: not run: the direct runtime executes no tools')
      .waitFor();
    await pane.locator('.tool-result.failed', { hasText: '"status": "error"' }).waitFor();
    await ui.shot('tool-error-turn');

    await ui.page.goto(`${ui.host.ready.ui}#/label`);
    await ui.page.getByTestId('label-queue').getByTestId('tool-error').waitFor();
    await ui.page
      .getByTestId('label-tool-error')
      .getByText(/tool failed: not run/)
      .waitFor();
    await ui.shot('tool-error-label');
  });
});
