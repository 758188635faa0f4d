// Labeling at speed, in Chromium: five episodes labeled with ten keys (a digit, then Enter), each
// "saved" seen on its own episode before moving on; the queue stops at its last episode with "all
// labeled"; a saved label is never replaced without a confirm (Esc keeps it, Enter replaces it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing, shot } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { hitlCall } from '../helpers/hitl.ts';

describe('labeling by keyboard', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  test('five episodes in ten keys, each save visible; the queue ends; no silent overwrite', async () => {
    // five ended episodes of an external agent (AReaL's human-in-the-loop session)
    const call = hitlCall(ui);
    for (let i = 0; i < 5; i++) {
      await call([{ role: 'user', content: `Question ${i}?` }]);
      assert.equal((await ui.api('episodes:end', { sessionKey: 'hitl' })).status, 200);
    }
    await ui.page.setViewportSize({ width: 1440, height: 900 });
    await ui.page.goto(`${ui.host.ready.ui}#/label`);
    const queue = ui.page.getByTestId('label-queue');
    const position = queue.getByTestId('label-position');
    await position.getByText('1 / 5 · 5 unlabeled').waitFor();

    const values = ['1', '0.25', '0.5', '0.75', '1'];
    const digits = ['5', '2', '3', '4', '5'];
    let keys = 0;
    for (let i = 0; i < 5; i++) {
      await position.getByText(new RegExp(`^${i + 1} / 5`)).waitFor();
      await queue.getByText(`Question ${i}?`).first().waitFor();
      await ui.page.keyboard.press(digits[i]!);
      keys++;
      // saved, on this episode, before moving on
      await queue
        .getByTestId('saved-label')
        .getByText(new RegExp(`^✓ saved ${values[i]} by me`))
        .waitFor();
      assert.match(await position.innerText(), new RegExp(`^${i + 1} / 5`), 'still on the episode just saved');
      if (i === 0) await shot(ui.page, 'label-saved-visible');
      await ui.page.keyboard.press('Enter');
      keys++;
    }
    assert.equal(keys, 10);
    const end = queue.getByTestId('label-end');
    await end.getByText('All labeled').waitFor();
    await shot(ui.page, 'label-all-labeled');
    // the queue stops there: more Enters do not run on into labeled episodes
    await ui.page.keyboard.press('Enter');
    await end.getByText('All labeled').waitFor();
    const rewards = async () =>
      (await ui.api('episodes:list', { sessionKey: 'hitl', limit: 100 })).body.result.items
        .sort((a: { index: number }, b: { index: number }) => a.index - b.index)
        .map((e: { reward: number; rewardSource: string }) => [e.reward, e.rewardSource]);
    assert.deepEqual(await rewards(), [
      [1, 'human'],
      [0.25, 'human'],
      [0.5, 'human'],
      [0.75, 'human'],
      [1, 'human'],
    ]);
    await queue.getByTestId('recent-labels').getByText('hitl episode 4: 1').waitFor();

    // back to the last one: a digit asks before replacing; Esc keeps, Enter replaces
    await ui.page.keyboard.press('ArrowLeft');
    await position.getByText(/^5 \/ 5/).waitFor();
    await ui.page.keyboard.press('3');
    const confirm = queue.getByTestId('label-confirm');
    await confirm.getByText('Replace the saved label 1 with 0.5?').waitFor();
    await shot(ui.page, 'label-confirm-replace');
    assert.equal((await rewards())[4][0], 1, 'nothing replaced before the confirm');
    await ui.page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.equal((await rewards())[4][0], 1, 'Esc kept it');
    await ui.page.keyboard.press('3');
    await confirm.waitFor();
    await ui.page.keyboard.press('Enter');
    await queue
      .getByTestId('saved-label')
      .getByText(/^✓ saved 0\.5 by me/)
      .waitFor();
    assert.equal((await rewards())[4][0], 0.5, 'Enter replaced it');
    // a key the scale lacks is said, not ignored
    await ui.page.keyboard.press('9');
    await ui.page
      .getByRole('alert')
      .getByText(/No reward on 9: the scale has 5 values/)
      .waitFor();
  });
});
