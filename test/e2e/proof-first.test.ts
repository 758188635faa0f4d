// The proof in view, in Chromium at 1440×900 and 1280×720: a turn with three alerts shows them as
// one strip of chips and opens on its proof — what was replayed against what was sent — with the
// offending lines marked and named by the alerts; a chip opens its cards (cause, fix, evidence
// naming its source by episode and turn number), and the source opens with the leaked text marked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing, shot } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { hitlCall } from '../helpers/hitl.ts';

describe('proof first', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);

  const call = hitlCall(ui);

  test('three alerts on a turn: a strip of chips, the marked proof in the viewport at both sizes', async () => {
    const system = { role: 'system', content: 'You are helpful.' };
    const secret = { role: 'user', content: 'My secret is 4711, keep it safe.' };
    const noted = { role: 'assistant', content: 'Noted: your secret is safe with me.' };
    await call([system, secret]);
    assert.equal((await ui.api('episodes:end', { sessionKey: 'hitl' })).status, 200);
    // the next episode's first call carries the last one's conversation, twice
    await call([system, secret, noted, secret, noted, { role: 'user', content: 'What is my secret?' }]);
    const alerts = (await ui.api('alerts:list', { sessionKey: 'hitl' })).body.result.items;
    const kinds = alerts.map((a: { kind: string }) => a.kind).sort();
    assert.ok(kinds.length >= 3, `three alerts or more on the turn: ${kinds.join(', ')}`);
    const turnId = alerts[0].turnId;
    assert.ok(
      alerts.every((a: { turnId: string }) => a.turnId === turnId),
      'all on one turn',
    );

    // the Leaks view: grouped by session, then kind; filtered by session and by lab runs
    await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
    const group = ui.page.getByRole('region', { name: 'Alerts of session hitl' });
    await group.getByRole('heading', { name: /Session hitl/ }).waitFor();
    assert.equal(await group.locator('.alert-kind-group').count(), new Set(kinds).size, 'a group per kind');
    await ui.page.getByLabel('Session', { exact: true }).selectOption('hitl');
    await ui.page.getByTestId('alerts-count').getByText(`${kinds.length} alerts in 1 session`).waitFor();
    await ui.page.getByLabel('Lab runs').selectOption('only');
    await ui.page.getByText('No alert matches these filters.').waitFor();
    await ui.page.getByLabel('Lab runs').selectOption('all');
    // the map, zoomed to the chosen session's turns: one cell, on the turn that leaked; a click opens it
    const map = ui.page.getByTestId('alert-map');
    await map.getByTestId('alert-map-svg').waitFor();
    const cells = map.locator('.alert-map-cells rect');
    assert.equal(await cells.count(), 1);
    assert.match((await cells.first().locator('title').textContent())!, /^session hitl · episode 1 · turn 0: .*×1/);
    await shot(ui.page, 'leaks-grouped');

    await cells.first().click();
    await ui.page.locator('.episode.selected .episode-head', { hasText: 'Episode 1' }).waitFor();
    // straight to the proof: the alerted turn, its chips
    await ui.page.getByTestId('alert-strip').waitFor();

    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await ui.page.setViewportSize({ width, height });
      await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
      await ui.page.getByRole('button', { name: 'open turn' }).first().click();
      const strip = ui.page.getByTestId('alert-strip');
      await strip.waitFor();
      assert.equal(await strip.getByTestId('alert-chip').count(), new Set(kinds).size, 'one chip per kind');
      // the proof: the replayed → sent diff, its carried lines marked with the alerts' names
      const marked = ui.page.locator('[aria-label="Replayed and sent"] .d-leaked', { hasText: 'My secret is 4711' });
      await marked.first().waitFor();
      const tag = await marked.first().locator('.d-tag').innerText();
      assert.match(tag, /history not reset/);
      assert.match(tag, /double feed/);
      const box = await marked.first().boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= height, `the proof is in view at ${width}×${height}`);
      const turnBox = await ui.page.getByTestId('turn-view').boundingBox();
      if (width === 1440) assert.ok(turnBox!.height >= 500, `turn content ${turnBox!.height} px tall at 1440×900`);
      await shot(ui.page, `proof-first-${width}`);
    }

    // a chip opens its cards: cause, fix, and the source named by numbers, which opens marked
    const chip = ui.page.locator('[data-testid=alert-chip][data-kind=history_not_reset]');
    await chip.click();
    assert.equal(await chip.getAttribute('aria-expanded'), 'true');
    const card = ui.page.locator('.turn-view [data-testid=alert][data-kind=history_not_reset]');
    await card
      .getByTestId('alert-cause')
      .getByText(/^Why: /)
      .waitFor();
    await card
      .getByTestId('alert-fix')
      .getByText(/^How to fix: /)
      .waitFor();
    await ui.page.locator('[data-testid=alert-chip][data-kind=cross_episode]').click();
    const source = ui.page
      .locator('.turn-view [data-testid=alert][data-kind=cross_episode]')
      .getByTestId('alert-source');
    assert.equal(await source.first().innerText(), 'from episode 0 · turn 0');
    await source.first().click();
    await ui.page.getByRole('tab', { name: /Replayed history/, selected: true }).waitFor();
    await ui.page.getByTestId('found').getByText('My secret is 4711', { exact: false }).first().waitFor();
    await shot(ui.page, 'proof-first-source');
  });

  test("a turn's raw call in one key: headers redacted, the JSON as a tree; the palette names the key", async () => {
    await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
    await ui.page.getByRole('button', { name: 'open turn' }).first().click();
    await ui.page.getByTestId('alert-strip').waitFor();
    // the rendered request marks the messages the alerts name, with their names
    await ui.page.getByRole('tab', { name: /Upstream calls/ }).click();
    const marked = ui.page.locator('[data-testid=upstream-call] .message.marked', { hasText: 'My secret is 4711' });
    await marked.first().waitFor();
    assert.match((await marked.first().getAttribute('data-marked'))!, /double feed/);
    // the composition bar: the duplicated messages are their own red part, named by the alert
    const composition = ui.page.getByTestId('composition').first();
    await composition.getByTestId('composition-svg').waitFor();
    await composition.locator('.legend[data-kind=alert]').waitFor();
    const alertParts = await composition.locator('tr[data-kind=alert] td:first-child').allTextContents();
    assert.ok(alertParts.length > 0 && alertParts.every((t) => /double feed/.test(t)), alertParts.join(' | '));
    assert.ok(
      (await composition.locator('.composition-parts rect title').allTextContents()).some((t) => /double feed/.test(t)),
      'the bar names it on hover',
    );
    await ui.page.keyboard.press('x');
    const call = ui.page.locator('[data-testid=upstream-call]').first();
    await call.getByRole('button', { name: 'Raw JSON', pressed: true }).waitFor();
    const headers = call.getByTestId('request-headers');
    await headers.locator('summary').click();
    const auth = await headers.locator('tr', { hasText: 'authorization' }).locator('td').innerText();
    assert.match(auth, /^Bearer (.{8}… \(\d+ characters, redacted\)|\[redacted [^\]]+\])$/);
    assert.ok(!auth.includes(ui.host.ready.adminKey), 'the key itself is not shown');
    const tree = call.locator('[aria-label="Request JSON"]');
    await shot(ui.page, 'raw-call-tree');
    await tree.getByText('scripted').first().waitFor();
    // the palette offers it with its key
    await ui.page.keyboard.press('Control+k');
    await ui.page.getByLabel('Command', { exact: true }).fill('raw');
    const option = ui.page.getByRole('option', { name: /Open the turn's call as raw JSON/ });
    assert.equal(await option.locator('kbd').innerText(), 'x');
    await ui.page.keyboard.press('Escape');
  });
});
