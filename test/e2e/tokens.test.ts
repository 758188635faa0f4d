// The token view in Chromium against a real host whose embedded model answers token ids as vLLM
// does (Qwen3's real template): a reply with reasoning, replayed, breaks the prefix; the alert's
// "tokens at N" opens the later call's tokens at that position beside the earlier call's, with the
// first difference named; a call's chips carry their ids, and the session says its checks are on.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_SCENARIO } from '../../electron/core/scripted-model/scenario.ts';
import { chromiumMissing } from '../helpers/browser.ts';
import { startFakeUpstream } from '../helpers/fake-upstream.ts';
import { uiRun } from '../helpers/ui.ts';
import { tempDir } from '../helpers/workbench.ts';

const dir = tempDir();
const scenario = join(dir.path, 'thinking.json');
writeFileSync(
  scenario,
  JSON.stringify({
    ...DEFAULT_SCENARIO,
    rules: [
      { name: 'think', match: { contains: 'think' }, steps: [{ text: '<think>\nTwo and two.\n</think>\n\nIt is 4.' }] },
      ...DEFAULT_SCENARIO.rules,
    ],
  }),
);

describe('the token view', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct', '--scenario', scenario]);

  test('a token alert opens the tokens at its position, side by side with the earlier call', async () => {
    await ui.api('sessions:create', { key: 'tokens', runtime: 'direct' });
    // a long first message of long lines (each wraps in the view, taller than the list's estimate): the
    // break is far down the token view, out of view unless scrolled to once the lines are measured
    const line = (i: number) => `context line ${i}: ${'lighthouse keepers log tides and weather '.repeat(6)}`;
    const long = `think: what is 2+2?\n${Array.from({ length: 150 }, (_, i) => line(i)).join('\n')}`;
    for (const message of [long, 'And then?']) {
      const sent = await ui.api('turns:send', { sessionKey: 'tokens', message });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
    }
    let alerts: Array<{ kind: string; message: string; evidence: Array<{ tokenPosition?: number }> }> = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      alerts = (await ui.api('alerts:list', { kind: 'token_prefix_break' })).body.result.items;
      if (alerts.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(alerts.length, 1, 'the replayed reasoning broke the prefix once');
    const at = alerts[0]!.evidence[0]!.tokenPosition!;
    assert.ok(at > 0);

    await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
    const card = ui.page.locator('[data-testid="alert"][data-kind="token_prefix_break"]');
    await card.getByText(`tokens at ${at}`).click();
    const view = ui.page.getByTestId('token-view');
    await view.waitFor();
    await view.getByTestId('token-first-difference').getByText(`first difference at position ${at}`).waitFor();
    assert.match(await view.getByTestId('token-first-difference').innerText(), /"<think>" \[\d+\] there/);
    // both columns show the marked position, the chip names its id on hover
    const marks = view.locator(`.tok-mark[data-pos="${at}"]`);
    await marks.first().waitFor();
    assert.equal(await marks.count(), 2);
    // on screen in both columns (what is at its centre is the chip itself), not merely rendered
    // somewhere below the column's or the pane's fold
    const columns = view.getByTestId('token-column');
    await ui.page.waitForFunction(
      (pos) =>
        [...document.querySelectorAll('[data-testid=token-column]')].every((col) => {
          const mark = col.querySelector(`.tok-mark[data-pos="${pos}"]`);
          const r = mark?.getBoundingClientRect();
          if (!mark || !r) return false;
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return hit !== null && (hit === mark || mark.contains(hit));
        }),
      at,
    );
    assert.equal(await columns.count(), 2);
    assert.match(
      (await marks.first().getAttribute('title')) ?? '',
      /^generated 0 \(position \d+\) · id \d+ · "<think>"/,
    );
    assert.equal(await ui.page.getByTestId('token-checks-off').count(), 0, 'every call has ids: checks on');
    await ui.shot('token-view-alert');
    // opened as a turn (no position named), a turn whose alerts are token alerts opens on that proof too
    await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
    await card.getByRole('button', { name: 'open turn' }).click();
    await ui.page
      .getByTestId('token-view')
      .getByTestId('token-first-difference')
      .getByText(`first difference at position ${at}`)
      .waitFor();
  });

  test('a server that returns no token ids: said on the session, on the call and in its Tokens tab', async () => {
    const fake = await startFakeUpstream({ refuse: ['return_token_ids'] });
    try {
      const set = await ui.api('config:set', { upstreamUrl: fake.url, upstreamModel: 'fake-model' });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      await ui.api('sessions:create', { key: 'no-ids', runtime: 'direct' });
      const sent = await ui.api('turns:send', { sessionKey: 'no-ids', message: 'hello' });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const turn = sent.body.result;
      await ui.page.goto(`${ui.host.ready.ui}#/session/no-ids/episode/${turn.episodeId}/turn/${turn.id}`);
      await ui.page
        .getByTestId('token-checks-off')
        .getByText('token checks off: server returns no token ids')
        .waitFor();
      const call = ui.page.getByTestId('upstream-call').first();
      await call.getByText('no token ids', { exact: true }).waitFor();
      // the turn's only call opens by itself; open it where it did not
      if ((await call.locator('.call-head').getAttribute('aria-expanded')) === 'false')
        await call.locator('.call-head').click();
      await call.getByRole('button', { name: 'Tokens' }).click();
      await ui.page
        .getByTestId('token-checks-off-call')
        .getByText(/the server returned no token ids/)
        .waitFor();
      await ui.shot('token-checks-off');
    } finally {
      await ui.api('config:set', { upstreamUrl: null, upstreamModel: null });
      await fake.stop();
    }
  });
});
