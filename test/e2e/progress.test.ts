// Long work shows its steps and its time as it runs, in Chromium: the sample task turn by turn, a
// group of rollouts by turns done, each ending with how long it took.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';

describe('progress on screen', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  test('the sample task and a group say what they are doing and how long it took', async () => {
    await ui.page.goto(ui.host.ready.ui);
    const sample = ui.page.getByTestId('progress-sample');
    // every step the strip showed, read as it changes (a turn of the direct runtime is quick)
    await ui.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid=progress-sample]')?.textContent;
        if (t && seen.at(-1) !== t) seen.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await ui.page.getByRole('button', { name: 'run the sample task' }).first().click();
    await sample.getByText(/^✓Sample task in sample-\w+ · done · in [\d.]+ s$/).waitFor();
    const seen = await ui.page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    for (const n of [1, 2, 3, 4])
      assert.ok(
        seen.some((t) => t.includes(`turn ${n} of 4 · ${n - 1}/4`)),
        `turn ${n} was shown: ${seen.join(' | ')}`,
      );
    await ui.shot('progress-sample');

    const group = await ui.api('groups:start', {
      messages: ['My name is Ada.', 'Who am I?'],
      size: 2,
      taskId: 'names',
    });
    assert.equal(group.status, 200, JSON.stringify(group.body));
    await ui.page
      .getByTestId('progress-group')
      .getByText(/^✓Group of 2: names · done · in [\d.]+ s$/)
      .waitFor();
  });
});
