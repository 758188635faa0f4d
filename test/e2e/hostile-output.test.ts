// Untrusted recorded data in the UI: terminal escapes in captured output cannot wipe or forge the
// log view (and Copy copies what the process wrote); a call too deep to pretty-print does not
// blank the app. The engine runs in this process so the test can write what a gateway would.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiServer } from '../../electron/headless/api-server.ts';
import { chromiumMissing, launchChromium } from '../helpers/browser.ts';
import { startBench, type TestBench } from '../helpers/workbench.ts';

describe('hostile recorded output in the UI', { skip: chromiumMissing }, () => {
  let b: TestBench;
  let api: ApiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    // OpenClaw is looked for (so an openclaw session exists), but no gateway is ever started
    b = await startBench({
      runtime: 'direct',
      poolSize: 0,
      openclawBin: join(import.meta.dirname, '../../openclaw-runtime/node_modules/openclaw/openclaw.mjs'),
    });
    api = new ApiServer(b.wb, 'e2e-token', join(import.meta.dirname, '../../out/renderer'));
    await api.start('127.0.0.1', 0);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
    page = await context.newPage();
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    mkdirSync('test-results', { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
    await b?.stop();
  });

  test('escapes in gateway output cannot clear or forge the log view; Copy copies what was written', async (t) => {
    if (!b.wb.openclawRuntime()) return t.skip('OpenClaw is not installed: no session shows a gateway log');
    b.wb.sessions.ensure('logs', 'openclaw');
    await page.goto(`${api.url}/?token=e2e-token#/session/logs`);
    await page.getByTestId('log-terminal').waitFor();
    const emit = (text: string) =>
      b.wb.events.emit('logs:chunk', { gatewayId: 'gw-x', sessionKey: 'logs', stream: 'stdout', at: Date.now(), text });
    emit('2026-11-25T10:00:00Z [gateway] real line one\n');
    emit('\x1b[31mcoloured\x1b[39m real line two\n');
    // what a model reply printed to stdout could carry: clear screen and scrollback, home, forged lines
    emit('\x1b[2J\x1b[3J\x1b[HFORGED: all checks passed\n\x1b]0;pwned\x07\x1b[1;1Hx\r');
    emit('FORGED overwrite\n');
    const rows = page.locator('[data-testid=log-terminal] .xterm-rows');
    await rows.getByText('FORGED overwrite').waitFor();
    const text = await rows.innerText();
    assert.match(text, /real line one/, 'the screen was not cleared');
    assert.match(text, /coloured real line two/);
    assert.ok(
      text.indexOf('real line one') < text.indexOf('FORGED: all checks passed'),
      'nothing was drawn over earlier lines',
    );
    assert.match(text, /^x$/m, 'a lone carriage return starts a new line instead of overwriting');
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(
      copied,
      '2026-11-25T10:00:00Z [gateway] real line one\ncoloured real line two\n' +
        'FORGED: all checks passed\nx\nFORGED overwrite\n',
    );
    await page.screenshot({ path: 'test-results/9-hostile-logs.png' });
  });

  test('a call nested too deeply to pretty-print shows as text; the app stays up', async () => {
    const r = await b.proxy('POST', '/session/deep-ui/turn', { message: 'normal turn' });
    const { episode_id: episodeId, turn_id: turnId } = r.body.metadata;
    // stored as a release without the depth limit would have stored it
    const call = b.wb.store.calls.insert({
      upstreamKey: b.wb.store.episodes.get(episodeId)!.upstreamKey,
      sessionKey: 'deep-ui',
      episodeId,
      turnId,
      path: '/v1/chat/completions',
      headers: {},
      body: Buffer.from(
        `{"messages":[{"role":"user","content":"deep"}],"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      ),
      startedAt: Date.now(),
    });
    // and a call whose stream was cut short: shown as failed, not as an answer
    const cut = b.wb.store.calls.insert({
      upstreamKey: call.upstreamKey,
      sessionKey: 'deep-ui',
      episodeId,
      turnId,
      path: '/v1/chat/completions',
      headers: {},
      body: Buffer.from('{"messages":[]}'),
      startedAt: Date.now(),
    });
    const partial = {
      id: null,
      model: null,
      text: 'partial',
      reasoning: '',
      toolCalls: [],
      finishReason: null,
      usage: null,
    };
    b.wb.store.calls.finish(cut, {
      status: 200,
      outcome: 'truncated',
      error: 'upstream stream ended before it was complete',
      response: { ...partial, logprobs: null, tokenIds: null, chunkCount: 1, malformedChunks: 0, streamed: true },
      rawResponse: 'data: {}',
      firstByteAt: null,
      endedAt: Date.now(),
    });
    await page.goto(`${api.url}/?token=e2e-token#/session/deep-ui/episode/${episodeId}/turn/${turnId}/call/${call.id}`);
    await page
      .locator('[data-testid=upstream-call][data-outcome=truncated] .badge.warn', { hasText: 'failed: truncated' })
      .waitFor();
    const view = page.locator('[data-testid=upstream-call]').nth(1);
    await view.getByRole('button', { name: 'Raw JSON' }).click();
    await view.locator('pre.json', { hasText: '[[[[' }).first().waitFor();
    await page.locator('.brand', { hasText: 'Trajscope' }).waitFor();
    assert.equal(
      await page.getByRole('tab', { name: /Upstream calls/ }).count(),
      1,
      'the rest of the view is still there',
    );
    await page.screenshot({ path: 'test-results/10-deep-call.png' });
  });
});
