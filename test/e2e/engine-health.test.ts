// A part of the engine that stops on its own is said on screen, not hidden behind a page that
// still answers: here the upstream recorder's server closes under a running engine (what a crash
// of that part looks like from outside), and within 2 s the page names it and says what no longer
// works. A stop the engine asked for is not reported. The engine runs in this process so the test
// can break one part of it; the desktop app shows the same banner from the same event over IPC.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HttpService } from '../../electron/core/http/server.ts';
import { chromiumMissing } from '../helpers/browser.ts';
import { engineUi } from '../helpers/engine-ui.ts';

describe('a part of the engine that stops', { skip: chromiumMissing }, () => {
  const ui = engineUi();

  test('the recorder closing by itself: a banner names it within 2 s; the engine says it too', async () => {
    const { page, b } = ui;
    await page.goto(ui.url('#/sessions'));
    await page.getByRole('button', { name: 'New', exact: true }).waitFor();
    assert.equal(await page.getByTestId('health-banner').count(), 0, 'nothing is down yet');
    const recorder = (b.wb.recorder as unknown as { service: HttpService }).service;
    const closedAt = Date.now();
    recorder.httpServer!.close();
    const banner = page.getByTestId('health-banner');
    await banner.getByText('The upstream recorder (model calls are not recorded nor answered) stopped').waitFor();
    assert.ok(Date.now() - closedAt <= 2_000, `shown ${Date.now() - closedAt} ms after`);
    await banner.getByText(/its server closed unexpectedly/).waitFor();
    assert.deepEqual(
      b.wb.info().health.down.map((d) => d.part),
      ['upstream-recorder'],
    );
    await page.screenshot({ path: 'test-results/engine-part-down.png' });
    // a page opened now is told too (the snapshot carries it)
    await page.reload();
    await page
      .getByTestId('health-banner')
      .getByText(/upstream recorder/)
      .waitFor();
  });
});
