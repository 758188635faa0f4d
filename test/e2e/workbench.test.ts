// End to end in real Chromium against the headless host on a temp data dir: what a user does on
// day one, waiting only on what the user would see. Screenshots go to test-results/.
// Over 300 lines: its cases share one host with one real gateway (20 s and 1 GB to start), and
// each step of the first reads what the one before it left on screen.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { uiRun } from '../helpers/ui.ts';
import { startFakeUpstream } from '../helpers/fake-upstream.ts';
import { startHost } from '../helpers/host.ts';
import { request, until } from '../helpers/workbench.ts';
import { needsOpenClaw, OPENCLAW_EXPECTED } from '../helpers/openclaw.ts';

const openclaw = OPENCLAW_EXPECTED;

describe('the workbench in Chromium', { skip: chromiumMissing }, () => {
  const ui = uiRun(['--runtime', openclaw ? 'openclaw' : 'direct', '--pool-size', '0']);
  const shot = ui.shot;

  test(
    'a session: two turns, history, calls with a tool call, gateway logs, a label that survives a restart',
    { timeout: 360_000 },
    async () => {
      await ui.page.goto(ui.host.ready.ui);
      await ui.page.getByText('No sessions yet').waitFor();
      assert.equal(new URL(ui.page.url()).searchParams.get('token'), null, 'the token leaves the address bar');

      await ui.page.keyboard.press('N');
      const session = ui.page.locator('.rail-item.selected .key');
      await session.waitFor();
      const key = (await session.textContent())!;

      const composer = ui.page.getByLabel('Message');
      await composer.fill('My name is Ada.');
      await composer.press('Control+Enter');
      await ui.page.locator('.turn', { hasText: 'My name is Ada.' }).waitFor({ timeout: 120_000 });
      await ui.page.locator('.turn-view .state.ok').waitFor({ timeout: 120_000 });
      await composer.fill('What is the weather in Paris?');
      await composer.press('Control+Enter');
      await ui.page
        .locator('.turn.selected', { hasText: 'What is the weather in Paris?' })
        .waitFor({ timeout: 120_000 });
      await ui.page.locator('.turn-view .state.ok').waitFor({ timeout: 120_000 });

      await ui.page.getByRole('tab', { name: /Replayed history \(2\)/ }).click();
      const history = ui.page.getByLabel('Replayed history');
      await history.getByText('My name is Ada.', { exact: true }).waitFor();
      await history.getByText(/You said: "My name is Ada\."/).waitFor();

      await ui.page.getByRole('tab', { name: /Upstream calls/ }).click();
      await ui.page.locator('[data-testid=upstream-call]').nth(1).waitFor();
      await ui.page
        .locator('[data-testid=upstream-call] .badge', { hasText: /get_weather|tool_call/ })
        .first()
        .waitFor();
      await ui.page
        .locator('.call-body .tool-call', { hasText: /get_weather/ })
        .first()
        .waitFor();
      await shot('1-turn-with-tool-call');

      await ui.page.getByRole('tab', { name: 'Diff' }).click();
      await ui.page.getByTestId('diff-verdict').getByText('pure append').waitFor();
      await ui.page.getByRole('checkbox', { name: 'side by side' }).check();
      await ui.page
        .getByRole('table', { name: 'Side by side' })
        .locator('.after', { hasText: 'What is the weather in Paris?' })
        .first()
        .waitFor();

      if (openclaw) {
        // xterm draws only the rows in view: wait for log lines (timestamped) and a non-zero line count
        await ui.page
          .locator('[data-testid=log-terminal] .xterm-rows', { hasText: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/ })
          .waitFor({ timeout: 60_000 });
        await ui.page
          .getByTestId('log-lines')
          .getByText(/^[1-9]\d* lines/)
          .waitFor();
        await shot('2-gateway-logs');
        // the status bar counts the session's gateway (no warm pool here) and what it holds
        await ui.page
          .getByTestId('gateway-meter')
          .getByText(/^1 gateway · \d+ MB$/)
          .waitFor();
        // the turn's own log lines keep their colours (OpenClaw colours its subsystem names)
        await ui.page.getByRole('tab', { name: 'Logs during turn' }).click();
        const turnLogs = ui.page.getByLabel('Logs during this turn');
        await turnLogs.waitFor({ timeout: 30_000 });
        assert.ok(
          (await turnLogs.locator('span[style*="color"]').count()) > 0,
          'coloured runs, not the escape codes stripped',
        );
        assert.doesNotMatch((await turnLogs.textContent())!, /\x1b\[/, 'no escape code shown as text');
        // the log pane resizes from its splitter (kept in the settings) and folds to its bar
        const pane = ui.page.getByRole('region', { name: 'Gateway logs' });
        const before = (await pane.boundingBox())!.height;
        await ui.page.getByRole('separator', { name: 'Resize the gateway logs' }).focus();
        await ui.page.keyboard.press('ArrowUp');
        await ui.page.keyboard.press('ArrowUp');
        await ui.page.waitForFunction(
          (h) => document.querySelector('.log-pane')!.getBoundingClientRect().height >= h + 40,
          before,
        );
        // the pane changes at once; the engine has it once the save the UI sent is in
        const logPane = async () => (await ui.api('settings:get', {})).body.result.logPane;
        await until('the height saved', async () => (await logPane())?.height === Math.round(before) + 48);
        await pane.getByRole('button', { name: '▾' }).click();
        await ui.page.getByTestId('log-terminal').waitFor({ state: 'hidden' });
        await until('the fold saved', async () => (await logPane())?.collapsed === true);
        await pane.getByRole('button', { name: '▸' }).click();
        await ui.page.getByTestId('log-terminal').waitFor();
      }

      await ui.page.getByRole('button', { name: 'End episode' }).click();
      await ui.page.locator('.episode .badge', { hasText: 'ended' }).waitFor();
      await ui.page.getByRole('button', { name: 'Label', exact: true }).click();
      await ui.page.getByTestId('label-queue').waitFor();
      await ui.page.getByText(key).first().waitFor();
      // a digit saves at once; a note on the saved label keeps its value
      await ui.page.keyboard.press('5');
      await ui.page
        .getByTestId('saved-label')
        .getByText(/saved 1 by me/)
        .waitFor();
      await ui.page.keyboard.press('n');
      await ui.page.getByLabel('Note').fill('remembered the name');
      await ui.page.getByLabel('Note').press('Enter');
      await ui.page
        .getByTestId('saved-label')
        .getByText(/saved 1 by me .* — remembered the name/)
        .waitFor();
      await shot('3-labeled');

      if (openclaw) {
        // Restart gateway: the Stats view draws the restart as a mark on the gateways' memory series,
        // and the replacement gateway as a series of its own beside the first
        await ui.page.getByRole('button', { name: 'Sessions', exact: true }).click();
        await ui.page.locator('.rail-item', { hasText: key }).click();
        await ui.page.getByRole('button', { name: 'Restart gateway' }).click();
        await ui.page.getByRole('button', { name: 'Stats', exact: true }).click();
        const marks = ui.page.getByTestId('resource-marks');
        await marks.locator('[data-mark=restart]', { hasText: `session ${key}'s gateway restarted` }).waitFor();
        await ui.page.waitForFunction(
          () => Number(document.querySelector('[data-testid=resource-chart]')?.getAttribute('data-marks-drawn')) >= 1,
        );
        await ui.page.locator('.resource-chart details summary').click();
        // the replacement is a series of its own from its spawn (the wait is for a busy machine)
        await ui.page.waitForFunction(
          (k) =>
            [...document.querySelectorAll('[data-testid=resource-table] tbody tr')].filter((r) =>
              r.textContent!.includes(`session ${k}`),
            ).length === 2,
          key,
          { timeout: 120_000 },
        );
        await shot('4-stats-restart');
      }

      assert.equal(await ui.host.stop(), 0);
      ui.host = await startHost(ui.dir.path, ['--runtime', 'direct']);
      await ui.page.goto(`${ui.host.ready.ui.replace('/?', '/?')}#/label`);
      // labeled episodes are no longer work in the queue: b browses them
      await ui.page.getByTestId('label-end').waitFor();
      await ui.page.keyboard.press('b');
      await ui.page
        .getByTestId('saved-label')
        .getByText(/saved 1 by me .* — remembered the name/)
        .waitFor();
      await shot('4-label-after-restart');
      if (openclaw) {
        // the samples and marks are the engine's, kept in its store: a restarted engine still shows them
        await ui.page.getByRole('button', { name: 'Stats', exact: true }).click();
        await ui.page.getByTestId('resource-marks').locator('[data-mark=restart]').waitFor();
      }
    },
  );

  test(
    'Settings → Connections: a new upstream takes effect on the next episode and survives a restart',
    { timeout: 90_000 },
    async () => {
      const KEY = 'sk-e2e-upstream-4b9d2f';
      const fake = await startFakeUpstream({ key: KEY });
      try {
        await ui.api('sessions:create', { key: 'conn', runtime: 'direct' });
        await ui.api('episodes:start', { sessionKey: 'conn' });
        await ui.page.goto(`${ui.host.ready.ui}#/settings`);
        const connections = ui.page.getByRole('region', { name: 'Connections' });
        await connections.getByLabel('Upstream URL').fill(fake.url);
        await connections.getByLabel('Upstream key').fill(KEY);
        await connections.getByLabel('Upstream model').fill('fake-model');
        await connections.getByRole('button', { name: 'Test connection' }).click();
        await ui.page.getByTestId('probe-result').getByText('✓ 1 model: fake-model').waitFor();
        await connections.getByRole('button', { name: 'Save connection' }).click();
        await ui.page.getByText('Connection saved').waitFor();
        await connections.getByText('(saved key …9d2f; leave empty to keep it)').waitFor();
        await shot('8-connections');

        // the episode that was open keeps the scripted model
        const before = await ui.api('turns:send', { sessionKey: 'conn', message: 'same episode' });
        assert.match(before.body.result.reply, /You said: "same episode"/);
        // the next episode, started from the UI, talks to the new upstream
        await ui.page.goto(`${ui.host.ready.ui}#/session/conn`);
        await ui.page.getByRole('button', { name: 'Start episode' }).click();
        await ui.page.locator('.episode.selected .episode-head', { hasText: 'Episode 1' }).waitFor();
        await ui.page.getByLabel('Message').fill('next episode');
        await ui.page.getByLabel('Message').press('Control+Enter');
        await ui.page.getByRole('tab', { name: /Replayed history/ }).click();
        await ui.page.getByLabel('Replayed history').getByText('Echo: next episode').waitFor();
        const last = fake.requests.at(-1)!;
        assert.equal(last.headers.authorization, `Bearer ${KEY}`);
        assert.equal(JSON.parse(last.body).model, 'fake-model');

        assert.equal(await ui.host.stop(), 0);
        ui.host = await startHost(ui.dir.path, ['--runtime', 'direct']);
        await ui.page.goto(`${ui.host.ready.ui}#/settings`);
        await ui.page
          .getByLabel('Upstream URL')
          .and(ui.page.locator(`[value="${fake.url}"]`))
          .waitFor();
        const after = await ui.api('turns:send', { sessionKey: 'conn-2', message: 'after restart' });
        assert.equal(after.body.result.reply, 'Echo: after restart');
        assert.ok(!(await ui.page.content()).includes(KEY), 'the saved key is never sent to the page');
        await ui.api('config:set', { upstreamUrl: null, upstreamKey: null, upstreamModel: null });
      } finally {
        await fake.stop();
      }
    },
  );

  test('Settings → Gateways: the gateway mode and sessions per gateway are saved and shown', async () => {
    await ui.page.goto(`${ui.host.ready.ui}#/settings`);
    const gateways = ui.page.getByRole('region', { name: 'Gateways' });
    await gateways.getByRole('radio', { name: /^\s*shared:/ }).click();
    await ui.page.getByText('Gateway mode shared applies to sessions started from now on.').waitFor();
    await gateways.getByLabel('Sessions per shared gateway').fill('4');
    await gateways.getByLabel('Sessions per shared gateway').blur();
    await ui.page.getByText('Applies to shared gateways started from now on.').waitFor();
    await shot('8b-gateways');
    const saved = (await ui.api('config:get', {})).body.result.values;
    assert.equal(saved.gatewayMode, 'shared');
    assert.equal(saved.sessionsPerGateway, 4);
    await ui.page.reload();
    await gateways.getByRole('radio', { name: /^\s*shared:/, checked: true }).waitFor();
    await ui.api('config:set', { gatewayMode: null, sessionsPerGateway: null });
    // the page follows a change made elsewhere (config:changed)
    await gateways.getByRole('radio', { name: /^\s*per-session:/, checked: true }).waitFor();
  });

  test('Search finds a turn by a word of it and opens its call; Settings → Storage previews a prune', async () => {
    await ui.api('sessions:create', { key: 'searchable', runtime: 'direct' });
    await ui.api('turns:send', { sessionKey: 'searchable', message: 'The quinquereme <b>sailed</b> at dawn.' });
    await ui.page.goto(`${ui.host.ready.ui}#/sessions`);
    await ui.page.getByRole('banner').getByRole('button', { name: 'Search', exact: true }).waitFor();
    await ui.page.keyboard.press('Control+Shift+F');
    const box = ui.page.getByLabel('Search recorded text');
    await box.waitFor();
    await box.fill('quinquer');
    const results = ui.page.getByRole('list', { name: 'Search results' });
    await results.locator('mark', { hasText: 'quinquereme' }).first().waitFor();
    assert.equal(await results.getByRole('listitem').count(), 1);
    // recorded markup is text, never parsed
    assert.equal(await results.locator('b').count(), 0);
    await results.getByText('<b>sailed</b>', { exact: false }).first().waitFor();
    assert.match(ui.page.url(), /#\/search\/quinquer$/);
    await shot('8c-search');
    await results.getByRole('button').first().click();
    await ui.page.waitForURL(/#\/session\/searchable\/episode\/[^/]+\/turn\/[^/]+\/call\//);

    await ui.page.goto(`${ui.host.ready.ui}#/settings`);
    const storage = ui.page.getByRole('region', { name: 'Storage' });
    await storage
      .getByTestId('storage-stats')
      .getByText(/\d+ calls/)
      .waitFor();
    await storage.getByLabel('Prune older than days').fill('0');
    await storage.getByRole('button', { name: 'Preview' }).click();
    await ui.page.getByText(/^Would remove \d+ episodes/).waitFor();
    await storage.getByRole('button', { name: /^Prune \d+ episodes$/ }).waitFor();
    await shot('8d-storage');
  });

  test('hostile content renders as inert text', { timeout: 60_000 }, async () => {
    const hostile = `<img src=x onerror="window.__pwned=1"> \x1b[31mred\x1b[0m <script>window.__pwned=2</script>`;
    const big = 'x'.repeat(1024 * 1024);
    // DirectRuntime: a megabyte is far past any agent's context window, and this is about rendering
    assert.equal((await ui.api('sessions:create', { key: 'hostile', runtime: 'direct' })).status, 200);
    const t1 = await ui.api('turns:send', { sessionKey: 'hostile', message: hostile });
    assert.equal(t1.status, 200, JSON.stringify(t1.body));
    const t2 = await ui.api('turns:send', { sessionKey: 'hostile', message: big });
    assert.equal(t2.status, 200);
    const t3 = await ui.api('turns:send', { sessionKey: 'hostile', message: 'after' });
    const { episodeId, id } = t3.body.result;
    await ui.page.goto(`${ui.host.ready.ui}#/session/hostile/episode/${episodeId}/turn/${id}`);
    await ui.page.getByRole('tab', { name: /Replayed history \(4\)/ }).click();
    const history = ui.page.getByLabel('Replayed history');
    await history.getByText('<img src=x onerror="window.__pwned=1">', { exact: false }).first().waitFor();
    assert.equal(await ui.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await ui.page.locator('.turn-view img, .turn-view script').count(), 0);
    const shown = await history.locator('pre').first().textContent();
    assert.ok(shown!.includes('\x1b[31mred'), 'escape sequences are shown as characters, not interpreted');
    await history
      .getByRole('button', { name: /Show all 1 MB/ })
      .first()
      .click();
    const bigShown = await history
      .locator('pre', { hasText: 'xxxxxxxx' })
      .first()
      .evaluate((el) => el.textContent!.length);
    assert.equal(bigShown, big.length, 'the megabyte is rendered whole, as text, on request');
    await shot('5-hostile-content');
  });

  test(
    'a leak alert shows in the Leaks view with its evidence, and as a badge on the session',
    { timeout: 60_000 },
    async () => {
      await ui.api('sessions:create', { key: 'leaky', runtime: 'direct' });
      const ep = (await ui.api('episodes:start', { sessionKey: 'leaky' })).body.result;
      // a call with the open episode's key while no turn is in flight: what background work looks like
      const r = await request(
        `${ui.host.ready.upstream}/chat/completions`,
        'POST',
        { messages: [{ role: 'user', content: 'distill durable learning' }] },
        { authorization: `Bearer ${ep.upstreamKey}` },
      );
      assert.equal(r.status, 200);
      await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
      const card = ui.page.locator('[data-testid=alert][data-kind=background_call]');
      await card.waitFor();
      await card.locator('mark', { hasText: 'distill durable learning' }).waitFor();
      await card.getByRole('button', { name: /open episode/ }).click();
      await ui.page.locator('.episode .badge.warn').first().waitFor();
      await ui.page.locator('.rail-item[data-key=leaky] .badge.warn').waitFor();
      await shot('6-leak-alert');
    },
  );

  test(
    'the leak lab runs a scenario from the Leaks view and shows its verdict',
    { timeout: 180_000, skip: needsOpenClaw('the leak lab needs OpenClaw') },
    async () => {
      await ui.page.goto(`${ui.host.ready.ui}#/leaks`);
      const row = ui.page.locator('.lab tr', { hasText: 'background-call' });
      await row.getByRole('button', { name: 'Run' }).click();
      await ui.page
        .getByTestId('verdict-background-call')
        .getByText(/pass: .*background_call/)
        .waitFor({ timeout: 170_000 });
      await shot('7-leak-lab');
    },
  );
});
