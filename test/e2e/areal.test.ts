// End to end in real Chromium against the headless host: an AReaL export imported by the file
// picker and by drop, and an external agent's session — read-only where they must be, their
// detectors' alerts shown. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { request } from '../helpers/workbench.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/areal-exports');

describe('AReaL runs in the workbench', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);
  const shot = ui.shot;

  test(
    "an AReaL export imported by picker and by drop, and an external agent's session: read-only, no composer",
    { timeout: 60_000 },
    async () => {
      // the second prompt replays a shortened reply: the imported run has a history_rewritten leak
      const exported = readFileSync(join(FIXTURES, 'traj-rewritten.json'));
      await ui.page.goto(ui.host.ready.ui);
      await ui.page.getByLabel('Import file').setInputFiles({
        name: 'areal-run.json',
        mimeType: 'application/json',
        buffer: exported,
      });
      await ui.page
        .getByRole('status')
        .getByText(/Imported 2 interactions in 1 episode from areal-run\.json/)
        .waitFor();
      const item = ui.page.locator('.rail-item.selected');
      await item.locator('.badge', { hasText: 'imported' }).waitFor();
      await item.locator('.badge.warn').waitFor();
      await ui.page
        .getByTestId('origin-note')
        .getByText(/read-only/)
        .waitFor();
      assert.equal(await ui.page.getByLabel('Message').count(), 0, 'no composer on an imported session');
      assert.equal(await ui.page.getByRole('button', { name: 'Start episode' }).count(), 0);
      await ui.page.locator('.turn', { hasText: 'And 3+3?' }).click();
      await ui.page.locator('.turn-view .badge', { hasText: 'inferred' }).waitFor();
      await ui.page.locator('[data-testid=alert-chip][data-kind=history_rewritten]').waitFor();
      // the rewritten answer in the proof is marked with the alert's name, never painted as fine
      const rewritten = ui.page.locator('[aria-label="Replayed and sent"] .d-leaked', { hasText: 'It is 4.' });
      assert.equal(await rewritten.first().locator('.d-tag').innerText(), 'history rewritten');
      assert.equal(await ui.page.locator('[aria-label="Replayed and sent"] .d-added').count(), 0);
      await shot('9-imported-history-rewritten');

      // a file dropped anywhere on the window
      const older = readFileSync(join(FIXTURES, 'interactions.json'), 'utf8');
      const transfer = await ui.page.evaluateHandle((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'older.json', { type: 'application/json' }));
        return dt;
      }, older);
      await ui.page.dispatchEvent('.app', 'dragover', { dataTransfer: transfer });
      await ui.page.getByTestId('drop-overlay').waitFor();
      await ui.page.dispatchEvent('.app', 'drop', { dataTransfer: transfer });
      await ui.page
        .getByRole('status')
        .getByText(/from older\.json \(areal-interactions\)/)
        .waitFor();
      assert.equal(await ui.page.getByTestId('drop-overlay').count(), 0);
      await ui.page.locator('.rail-item.selected .key', { hasText: 'import-older' }).waitFor();

      // an agent service that is not ours: a key from /rl/start_session, one call
      const origin = ui.host.ready.upstream.replace(/\/v1$/, '');
      const started = await request(
        `${origin}/rl/start_session`,
        'POST',
        { task_id: 'ext' },
        { authorization: `Bearer ${ui.host.ready.adminKey}` },
      );
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const call = await request(
        `${ui.host.ready.upstream}/chat/completions`,
        'POST',
        { messages: [{ role: 'user', content: 'external hello' }] },
        { authorization: `Bearer ${started.body.api_key}` },
      );
      assert.equal(call.status, 200);
      const listed = await ui.api('sessions:list', {});
      const external = listed.body.result.items as Array<{ key: string; origin: string }>;
      const key = external.find((x) => x.origin === 'external')!.key;
      await ui.page.goto(`${ui.host.ready.ui}#/session/${key}`);
      await ui.page.locator('.rail-item.selected .badge', { hasText: 'external' }).waitFor();
      await ui.page.locator('.turn', { hasText: 'external hello' }).waitFor();
      await ui.page
        .getByTestId('origin-note')
        .getByText(/inferred from the calls/)
        .waitFor();
      assert.equal(await ui.page.getByLabel('Message').count(), 0);
      await ui.page.getByRole('button', { name: 'End episode' }).waitFor();
      await shot('10-external-session');
    },
  );
});
