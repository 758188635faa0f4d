// The Diff tab cannot call a leak clean, in Chromium: an external agent whose second episode's
// first call carries the first episode's conversation (the history-not-reset leak) gets a red
// "history not reset" against the previous episode, not a green "pure append"; an agent that
// starts afresh gets "fresh start"; a session's very first turn is compared with nothing, in no colour.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, shot } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { request } from '../helpers/workbench.ts';

describe('the Diff tab across episodes', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  // calls with the admin key land in AReaL's human-in-the-loop session, an external agent's:
  // one session, an episode until it is ended, turns inferred from the calls
  const call = async (messages: Array<{ role: string; content: string }>) => {
    const r = await request(
      `${ui.host.ready.upstream}/chat/completions`,
      'POST',
      { model: 'scripted', messages },
      { authorization: `Bearer ${ui.host.ready.adminKey}` },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
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
    await call([system, { role: 'user', content: 'What is the capital of Norway?' }]);

    const verdictOf = async (episodeIndex: number) => {
      await ui.page.goto(`${ui.host.ready.ui}#/session/hitl`);
      await ui.page.locator('.episode-head', { hasText: `Episode ${episodeIndex}` }).click();
      await ui.page.locator('.episode.selected .turn').first().click();
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
    await shot(ui.page, 'diff-history-not-reset');

    const fresh = await verdictOf(2);
    await fresh.getByText(/fresh start/).waitFor();
    assert.equal(await fresh.getAttribute('data-tone'), 'ok');

    const first = await verdictOf(0);
    await first.getByText('nothing before it to compare with').waitFor();
    assert.equal(await ui.page.locator('.diff-body .d-added').count(), 0, 'a first prompt is not painted green');
  });
});
