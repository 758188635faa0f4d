// The Diff tab cannot call a leak clean, in Chromium: an external agent whose second episode's
// first call carries the first episode's conversation (the history-not-reset leak) gets a red
// "history not reset" against the previous episode, not a green "pure append"; an agent that
// starts afresh gets "fresh start"; a session's very first turn is compared with nothing, in no colour.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, shot } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { hitlCall } from '../helpers/hitl.ts';

describe('the Diff tab across episodes', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  const call = hitlCall(ui);
  const endEpisode = async () => assert.equal((await ui.api('episodes:end', { sessionKey: 'hitl' })).status, 200);

  test('a carried conversation is "history not reset" in red; a fresh one is "fresh start"', async () => {
    const system = { role: 'system', content: 'You are helpful.' };
    await call([system, { role: 'user', content: 'My secret is 4711.' }]);
    await endEpisode();
    await call([
      system,
      { role: 'user', content: 'My secret is 4711.' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'What is my secret?' },
    ]);
    await endEpisode();
    // a long system prompt: unchanged context that folds in the next turn's diff
    const long = { role: 'system', content: Array.from({ length: 20 }, (_, i) => `Rule ${i + 1}.`).join('\n') };
    await call([long, { role: 'user', content: 'What is the capital of Norway?' }]);
    await call([
      long,
      { role: 'user', content: 'What is the capital of Norway?' },
      { role: 'assistant', content: 'Oslo.' },
      { role: 'user', content: 'And of Sweden?' },
    ]);

    const verdictOf = async (episodeIndex: number, turnIndex = 0) => {
      await ui.page.goto(`${ui.host.ready.ui}#/session/hitl`);
      await ui.page.locator('.episode-head', { hasText: `Episode ${episodeIndex}` }).click();
      await ui.page.locator('.episode.selected .turn').nth(turnIndex).click();
      await ui.page.getByRole('tab', { name: 'Diff' }).click();
      const verdict = ui.page.getByTestId('diff-verdict');
      await verdict.waitFor();
      return verdict;
    };
    const leak = await verdictOf(1);
    await leak.getByText(/history not reset: this prompt extends episode 0 turn 0/).waitFor();
    assert.equal(await leak.getAttribute('data-tone'), 'bad');
    await ui.page.locator('.diff-body .d-leaked', { hasText: 'My secret is 4711.' }).first().waitFor();
    assert.equal(await ui.page.locator('.diff-body .d-added').count(), 0, 'nothing painted green');
    await ui.page.locator('.diff-body .d-tag', { hasText: 'history not reset' }).first().waitFor();
    await shot(ui.page, 'diff-history-not-reset');
    // side by side: labeled columns, the carried line on both sides of one row
    await ui.page.getByRole('checkbox', { name: 'side by side' }).check();
    const grid = ui.page.getByRole('table', { name: 'Side by side' });
    await grid.getByRole('columnheader', { name: 'episode 0 turn 0, last request' }).waitFor();
    await grid.getByRole('columnheader', { name: 'this turn, first request' }).waitFor();
    const before = await grid.locator('.before', { hasText: 'My secret is 4711.' }).boundingBox();
    const after = await grid.locator('.after', { hasText: 'My secret is 4711.' }).boundingBox();
    assert.ok(before && after && Math.abs(before.y - after.y) < 2, 'the carried line sits on one row in both columns');
    await shot(ui.page, 'diff-side-by-side');
    await ui.page.getByRole('checkbox', { name: 'side by side' }).uncheck();

    const fresh = await verdictOf(2);
    await fresh.getByText(/fresh start/).waitFor();
    assert.equal(await fresh.getAttribute('data-tone'), 'ok');

    // the next turn of that episode: a clean append, its 20-line system prompt folded until asked
    const next = await verdictOf(2, 1);
    await next.getByText('pure append').waitFor();
    assert.equal(await next.getAttribute('data-tone'), 'ok');
    const body = ui.page.locator('.diff-body');
    assert.equal(await body.getByText('Rule 10.').count(), 0, 'unchanged context is folded');
    await body
      .getByTestId('diff-fold')
      .getByText(/15 unchanged lines/)
      .click();
    await body.getByText(/Rule 10\./).waitFor();
    await body.locator('.d-added', { hasText: 'And of Sweden?' }).waitFor();

    const first = await verdictOf(0);
    await first.getByText('nothing before it to compare with').waitFor();
    assert.equal(await ui.page.locator('.diff-body .d-added').count(), 0, 'a first prompt is not painted green');
  });
});
