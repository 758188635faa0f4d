// A detector of one's own is one module and the `detectors` setting, nothing else: the throwaway
// detector in test/fixtures/detectors/probe.ts raises through the whole path — the analysis worker,
// the store, the workbench API (its kind a valid filter) and the Leaks view's alert card with the
// label and fix the module declares. In Chromium, against a real host.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { tempDir } from '../helpers/workbench.ts';

const PROBE = fileURLToPath(new URL('../fixtures/detectors/probe.ts', import.meta.url));

describe("a user's own detector", { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct', '--detectors', PROBE]);

  test('raises through the worker, the store, the API and the alert card', async () => {
    const info = await ui.api('app:info', {});
    const kind = info.body.result.alertKinds.find((k: { kind: string }) => k.kind === 'probe_hit');
    assert.deepEqual(kind, {
      kind: 'probe_hit',
      label: 'probe word seen',
      severity: 'warning',
      means: 'the current message holds a probe word',
      fix: 'say something without the probe word',
      detector: 'probe',
    });
    await ui.api('sessions:create', { key: 'probed', runtime: 'direct' });
    const clean = await ui.api('turns:send', { sessionKey: 'probed', message: 'nothing to see' });
    assert.equal(clean.status, 200, JSON.stringify(clean.body));
    const sent = await ui.api('turns:send', { sessionKey: 'probed', message: 'here is PROBE-4711 for you' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));

    const listed = await ui.api('alerts:list', { kind: 'probe_hit' });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const alerts = listed.body.result.items;
    assert.deepEqual(
      alerts.map((a: { kind: string; severity: string; message: string; sessionKey: string }) => [
        a.kind,
        a.severity,
        a.message,
        a.sessionKey,
      ]),
      [['probe_hit', 'warning', 'the message holds PROBE-4711', 'probed']],
      'raised once, on the probed turn only',
    );
    const unknown = await ui.api('alerts:list', { kind: 'probe_miss' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /unknown alert kind probe_miss/);

    await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
    const card = ui.page.locator('[data-testid="alert"][data-kind="probe_hit"]');
    await card.getByText('probe word seen', { exact: true }).waitFor();
    await card.getByText('the message holds PROBE-4711').waitFor();
    assert.equal(
      await card.getByTestId('alert-session').innerText(),
      'session probed · episode 0 · turn 1',
      'the card names its session, episode and turn by number',
    );
    await card.getByTestId('alert-fix').getByText('How to fix: say something without the probe word').waitFor();
    // the kind filter lists it by its label, and filtering by it keeps the card
    await ui.page.getByLabel('Alert kind').selectOption({ label: 'probe word seen' });
    await card.waitFor();
    await ui.shot('detector-plugin');
    assert.doesNotMatch(ui.host.stderr(), /engine's thread/, 'the analysis worker ran it, not a fallback');
  });

  test('a module that is not a detector stops the engine before it starts, with one line naming it', () => {
    const dir = tempDir();
    try {
      const bad = join(dir.path, 'bad.mjs');
      writeFileSync(bad, "export default { id: 'x', reads: 'call' };");
      const r = spawnSync(
        process.execPath,
        [
          'electron/headless/cli.ts',
          'serve',
          '--data-dir',
          join(dir.path, 'data'),
          '--runtime',
          'direct',
          '--detectors',
          bad,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`detector module ${bad} is not a detector: how: .*check: must be a function`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(r.stdout, /TRAJSCOPE_READY/);
    } finally {
      dir.remove();
    }
  });
});
