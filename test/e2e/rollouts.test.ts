// End to end in Chromium against the headless host: fork a call with an edited user message and
// read both answers side by side; run the stable-session-key lab scenario, open its double_feed
// alert and proof diff from the verdict, replay the episode with fresh keys and read the
// comparison; start a group of four rollouts and label it from the keyboard.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { needsOpenClaw, OPENCLAW_EXPECTED } from '../helpers/openclaw.ts';

const openclaw = OPENCLAW_EXPECTED;

describe('forks, replays and groups in Chromium', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', openclaw ? 'openclaw' : 'direct', '--pool-size', '0']);
  const shot = ui.shot;

  test('fork a call with an edited user message: both answers side by side', { timeout: 60_000 }, async () => {
    await ui.api('sessions:create', { key: 'fork-e2e', runtime: 'direct' });
    const sent = await ui.api('turns:send', { sessionKey: 'fork-e2e', message: 'My name is Ada.' });
    const { episodeId, id: turnId } = sent.body.result;
    await ui.page.goto(`${ui.host.ready.ui}#/session/fork-e2e/episode/${episodeId}/turn/${turnId}`);
    await ui.page.locator('[data-testid=upstream-call] .call-body').first().waitFor();
    await ui.page.keyboard.press('Shift+F');
    const editor = ui.page.getByRole('region', { name: 'Fork editor' });
    const message = editor.getByRole('textbox', { name: /^Message \d+$/ }).last();
    assert.equal(await message.inputValue(), 'My name is Ada.');
    await message.fill('My name is Grace.');
    await message.press('Control+Enter');
    await ui.page.getByTestId('fork-answer-verdict').getByText('answers differ').waitFor();
    await ui.page
      .getByTestId('fork-side-original')
      .getByText(/You said: "My name is Ada\."/)
      .waitFor();
    await ui.page
      .getByTestId('fork-side-fork')
      .getByText(/You said: "My name is Grace\."/)
      .waitFor();
    assert.match(ui.page.url(), /\/call\/call_[^/]+\/fork\/call_/, 'the fork has an address');
    // what the request changed: the one edited line, not the request rebuilt in another key order
    await ui.page.getByText('What the request changed').click();
    const removed = await ui.page.locator('[data-testid=fork-request-diff] .d-removed').allInnerTexts();
    const added = await ui.page.locator('[data-testid=fork-request-diff] .d-added').allInnerTexts();
    const lines = (parts: string[]) =>
      parts
        .join('')
        .split('\n')
        .filter((l) => l.trim());
    assert.deepEqual(
      lines(removed).map((l) => l.trim()),
      ['"content": "My name is Ada."'],
    );
    assert.deepEqual(
      lines(added).map((l) => l.trim()),
      ['"content": "My name is Grace."'],
    );
    await shot('11-fork-side-by-side');
    // the original call is as it was
    const calls = await ui.api('calls:list', { turnId });
    assert.equal(calls.body.result.length, 1);
    const original = await ui.api('calls:get', { callId: calls.body.result[0].id });
    assert.match(original.body.result.requestBody, /My name is Ada\./);
  });

  test(
    'a lab run lands in the workbench: its alert and proof diff from the verdict, then a replay with fresh keys',
    { timeout: 330_000, skip: needsOpenClaw('the leak lab needs OpenClaw') },
    async () => {
      await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
      const row = ui.page.locator('.lab tr', { hasText: 'stable-session-key' });
      await row.getByRole('button', { name: 'Run' }).click();
      const verdict = ui.page
        .getByTestId('verdict-stable-session-key')
        .getByRole('button', { name: /pass: .*double_feed/ });
      await verdict.waitFor({ timeout: 170_000 });
      // the verdict is kept with the run: it is still there after leaving the view and coming back
      await ui.page.getByRole('button', { name: 'Sessions', exact: true }).click();
      await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
      await verdict.waitFor();
      const kept = (await ui.api('lab:list', {})).body.result.find(
        (s: { name: string }) => s.name === 'stable-session-key',
      );
      assert.equal(kept.lastVerdict.pass, true);
      await verdict.click();
      // the lab session, in the main views, on the turn that raised it, with the diff that proves it
      await ui.page.locator('.session-head .badge', { hasText: 'lab' }).waitFor();
      await ui.page.locator('.turn-view [data-testid=alert-chip][data-kind=double_feed]').waitFor();
      await ui.page
        .getByTestId('sent-verdict')
        .getByText('the model saw something else than what was replayed')
        .waitFor();
      // the duplicated turn is what the diff adds, marked and named as the alert's evidence
      const marked = ui.page.locator('[aria-label="Replayed and sent"] .d-leaked', { hasText: 'My name is Ada' });
      await marked.first().waitFor();
      assert.match(await marked.first().locator('.d-tag').innerText(), /double feed/);
      assert.match(ui.page.url(), /\/tab\/sent/);
      await shot('12-lab-alert-proof-diff');
      // the Diff tab does not call the double feed a clean append: it names it and marks the repeats
      await ui.page.getByRole('tab', { name: 'Diff' }).click();
      const diffVerdict = ui.page.getByTestId('diff-verdict');
      await diffVerdict.getByText(/^double feed: adds \d+ message\(s\) the prompt already held$/).waitFor();
      assert.equal(await diffVerdict.getAttribute('data-tone'), 'bad');
      await ui.page.locator('.diff-body .d-leaked', { hasText: 'My name is Ada' }).first().waitFor();

      await ui.page.keyboard.press('Shift+R');
      const dialog = ui.page.getByRole('dialog', { name: 'Replay episode' });
      await dialog.getByLabel('OpenClaw session keys').selectOption('per-turn');
      await dialog.getByRole('button', { name: 'Replay' }).click();
      // the comparison opens once the replay's session has started: with --pool-size 0 that is a cold
      // OpenClaw gateway, 15–25 s on an idle machine of this kind and over a minute beside a loaded CPU
      await ui.page.getByRole('heading', { name: 'Replay against its source' }).waitFor({ timeout: 120_000 });
      await ui.page.getByTestId('compare-b').locator('.badge', { hasText: 'ended' }).waitFor({ timeout: 120_000 });
      await ui.page
        .getByTestId('alerts-a')
        .getByText(/double_feed/)
        .waitFor();
      await ui.page.getByTestId('alerts-b').getByText('no alert').waitFor();
      await ui.page.getByTestId('prompt-verdict-0').getByText('same prompt').waitFor();
      await ui.page.getByTestId('prompt-verdict-1').getByText('prompts differ').waitFor();
      await shot('13-replay-comparison');
      // the lab run's gateways stopped with it, the replay's when it ended: the status bar says none run
      await ui.page
        .getByTestId('gateway-meter')
        .getByText(/^0 gateways · 0 B$/)
        .waitFor({ timeout: 30_000 });

      // lab data goes in one action; the replay (not lab data) stays
      const before = (await ui.api('sessions:list', { limit: 1000 })).body.result.items as Array<{
        key: string;
        origin: string;
      }>;
      assert.ok(before.some((s) => s.origin === 'lab'));
      await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
      await ui.page.getByRole('button', { name: 'Remove lab data' }).click();
      // it asks first: keeping them changes nothing, removing them is the second click
      await ui.page.getByRole('button', { name: 'Keep them' }).click();
      assert.ok(
        (await ui.api('sessions:list', { limit: 1000 })).body.result.items.some(
          (s: { origin: string }) => s.origin === 'lab',
        ),
      );
      await ui.page.getByRole('button', { name: 'Remove lab data' }).click();
      await ui.page.getByRole('button', { name: 'Remove them' }).click();
      await ui.page
        .getByRole('status')
        .getByText(/Removed \d+ lab session/)
        .waitFor();
      const after = (await ui.api('sessions:list', { limit: 1000 })).body.result.items as Array<{
        key: string;
        origin: string;
      }>;
      assert.ok(!after.some((s) => s.origin === 'lab'));
      assert.ok(after.some((s) => s.key.includes('~replay')));
      assert.equal(await ui.page.locator('.rail-item .badge', { hasText: 'lab' }).count(), 0);
    },
  );

  test('a group of four rollouts, labeled from the keyboard', { timeout: 90_000 }, async () => {
    await ui.page.goto(`${ui.host.ready.ui}#/groups`);
    await ui.page.getByLabel('Group messages').fill('My name is Ada.\nWhat is the weather in Paris?');
    await ui.page.getByLabel('Rollouts').fill('4');
    await ui.page.getByLabel('Runtime').selectOption('direct');
    await ui.page.getByRole('button', { name: 'Start group' }).click();
    const rollouts = ui.page.getByTestId('rollout');
    await ui.page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid=rollout]').length === 4 &&
        [...document.querySelectorAll('[data-testid=rollout] .badge')].filter((b) => b.textContent === 'ended')
          .length === 4,
      undefined,
      { timeout: 60_000 },
    );
    assert.match(ui.page.url(), /#\/groups\/grp-/);
    // 5 → 1, 1 → 0, 3 → 0.5, 3 → 0.5 (the default scale), each saved with Enter
    for (const [i, key] of ['5', '1', '3', '3'].entries()) {
      await ui.page.keyboard.press(key);
      await ui.page.getByTestId('group-draft').waitFor();
      await ui.page.keyboard.press('Enter');
      await ui.page.getByTestId('group-draft').waitFor({ state: 'detached' });
      // one reward has no spread: std and advantages say "–", not a fallback
      if (i === 0) await ui.page.getByText(/mean r 1 · std – ·/).waitFor();
    }
    await ui.page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid=rollout-advantage]')].every((b) => !b.textContent!.includes('–')),
      undefined,
      { timeout: 10_000 },
    );
    // a digit past the scale's five values is said, not silently ignored
    await ui.page.keyboard.press('9');
    await ui.page.getByText('No reward on 9: the scale has 5 values (keys 1–5; Settings changes it)').waitFor();
    await ui.page.keyboard.press('s');
    await rollouts.first().getByTestId('rollout-reward').getByText('r 1').waitFor();
    // the last labeled (0.5) stays selected after the sort: it is now second or third
    const selected = await rollouts.evaluateAll((els) =>
      els.findIndex((el) => (el as HTMLElement).dataset.selected === 'true'),
    );
    assert.ok(selected === 1 || selected === 2, `selected ${selected}`);
    const advantage = await rollouts.first().getByTestId('rollout-advantage').textContent();
    assert.equal(advantage, `A ${(0.5 / (Math.sqrt(1 / 6) + 1e-5)).toFixed(2)}`);
    // the same advantages as bars from zero: the best rollout's bar green, to the right of zero
    const plot = ui.page.getByTestId('advantage-bars');
    const best = plot.locator('.advantage-bars rect').first();
    await best.waitFor();
    assert.equal(await best.getAttribute('fill'), '#3fb950');
    assert.ok(
      await plot.locator('text', { hasText: new RegExp(`^${advantage!.slice(2).replace('.', '\\.')}$`) }).count(),
      "the bar names the badge's number",
    );
    await shot('14-group-labeled');
    // a saved label is not replaced on a digit and Enter: the replacement is named, Esc keeps it
    await ui.page.keyboard.press('5');
    await ui.page.keyboard.press('Enter');
    await ui.page.getByTestId('group-draft').getByText('Replace the saved label 0.5 with 1? Enter replaces').waitFor();
    await ui.page.keyboard.press('Escape');
    await ui.page.getByTestId('group-draft').waitFor({ state: 'detached' });
    const selectedReward = await rollouts
      .and(ui.page.locator('[data-selected=true]'))
      .getByTestId('rollout-reward')
      .textContent();
    assert.equal(selectedReward, 'r 0.5', 'kept');
    // d, move, d: the two rollouts side by side
    await ui.page.keyboard.press('d');
    await ui.page.keyboard.press('k');
    await ui.page.keyboard.press('d');
    await ui.page.getByRole('heading', { name: 'Two episodes side by side' }).waitFor();
  });
});
