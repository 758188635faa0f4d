// The UI's export says what the CLI says: the same defaults (an episode nobody rewarded is left out,
// not a zero reward), the same counts before anything is written, and a download holding exactly
// the lines `trajscope export` writes with the same choices. In Chromium, against a real host.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { request } from '../helpers/workbench.ts';
import { uiRun } from '../helpers/ui.ts';

describe('export from the UI', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', 'direct']);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['electron/headless/cli.ts', 'export', '--data-dir', ui.dir.path, ...args], {
      encoding: 'utf8',
    });

  test('the dialog counts what it writes and leaves out; the download is the CLI export', async () => {
    for (const key of ['labeled', 'unlabeled']) {
      await ui.api('sessions:create', { key, runtime: 'direct' });
      const sent = await ui.api('turns:send', { sessionKey: key, message: `hello from ${key}` });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const ended = await ui.api('episodes:end', { sessionKey: key });
      if (key === 'labeled') await ui.api('rewards:set', { episodeId: ended.body.result.id, value: 1, note: 'good' });
    }
    const byDefault = cli();
    assert.equal(byDefault.status, 0, byDefault.stderr);
    const lines = byDefault.stdout.trim().split('\n');
    assert.match(byDefault.stderr, new RegExp(`exported ${lines.length} interactions .*left out 1 episode nobody`));

    await ui.page.goto(ui.host.ready.ui);
    await ui.page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Export trajectories' });
    const preview = dialog.getByTestId('export-preview');
    const s = lines.length === 1 ? '' : 's';
    await preview
      .getByText(`Writes ${lines.length} interaction${s} of 1 episode; leaves out 1 episode nobody rewarded.`)
      .waitFor();
    await dialog.getByText('trajscope export --data-dir <data dir>', { exact: true }).waitFor();
    await ui.shot('export-dialog');
    const [download] = await Promise.all([
      ui.page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^trajscope-\d{8}-\d{6}\.jsonl$/);
    assert.equal(readFileSync((await download.path())!, 'utf8'), byDefault.stdout, 'the CLI export, byte for byte');
    await ui.page.getByText(`Exported ${lines.length} interaction${s} to ${download.suggestedFilename()}`).waitFor();
    await dialog.waitFor({ state: 'detached' });

    // a session's own export, with unlabeled episodes written as reward 0: the counts follow
    await ui.page.goto(`${ui.host.ready.ui}#/session/unlabeled`);
    await ui.page.getByRole('button', { name: 'Export…' }).click();
    await dialog.getByLabel('Export scope').getByText('session unlabeled').waitFor({ state: 'attached' });
    assert.equal(await dialog.getByLabel('Export scope').inputValue(), 'unlabeled');
    await preview.getByText(/^Writes 0 interactions of 0 episodes; leaves out 1 episode nobody rewarded\.$/).waitFor();
    await dialog.getByLabel('reward 0, marked reward_source "default"').check();
    const zero = cli('--session', 'unlabeled', '--unlabeled', 'zero');
    const zeroLines = zero.stdout.trim().split('\n');
    assert.ok(zeroLines.every((l) => JSON.parse(l).reward_source === 'default'));
    await preview.getByText(new RegExp(`^Writes ${zeroLines.length} interactions? of 1 episode\\.$`)).waitFor();
    await dialog.getByText('--unlabeled zero --session unlabeled').waitFor();
    await dialog.getByLabel('Reward discount').fill('2');
    await dialog.getByText('γ is a number from 0 to 1').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Export' }).isDisabled(), true);
    await dialog.getByLabel('Reward discount').fill('0.5');
    const [second] = await Promise.all([
      ui.page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export' }).click(),
    ]);
    const again = cli('--session', 'unlabeled', '--unlabeled', 'zero', '--discount', '0.5');
    assert.equal(readFileSync((await second.path())!, 'utf8'), again.stdout);
  });

  test('the download route takes the same strict choices and the UI credential only', async () => {
    const token = new URL(ui.host.ready.ui).searchParams.get('token')!;
    const body = { unlabeled: 'skip', includeLab: false, includeFailed: false, dropRetryOrphans: false, discount: 1 };
    const url = `${ui.host.ready.api}/api/export`;
    assert.equal((await request(url, 'POST', body)).status, 401);
    const bad = await request(url, 'POST', { ...body, unlabeled: 'maybe' }, { authorization: `Bearer ${token}` });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /unlabeled/);
    const extra = await request(url, 'POST', { ...body, path: '/etc/passwd' }, { authorization: `Bearer ${token}` });
    assert.equal(extra.status, 400);
    const nobody = await request(url, 'POST', { ...body, sessionKey: 'nobody' }, { authorization: `Bearer ${token}` });
    assert.equal(nobody.status, 404);
  });
});
