/// <reference lib="dom" />
// The UI in Chromium through the headless host: rendering a turn whose upstream request is 1 MB
// (against a 1 KB one), a 100k-line log stream at the engine's fastest rate, and scrolling a
// 1,000-session list (against a 10-session one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createApiHandlers } from '../electron/core/api/handlers.ts';
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { ApiServer } from '../electron/headless/api-server.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { fmt, summarize, table } from './stats.ts';

async function timeTurnRender(
  page: Page,
  url: string,
  sessionKey: string,
  episodeId: string,
  turnId: string,
): Promise<number> {
  await page.goto(`${url}#/settings`);
  await page.getByText('This run').waitFor();
  return page.evaluate(
    async ({ route }) => {
      const t0 = performance.now();
      location.hash = route;
      await new Promise<void>((resolve) => {
        const check = () => {
          const pre = document.querySelector('[data-testid=upstream-call] .call-body pre');
          if (pre && (pre.textContent?.length ?? 0) > 0) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      // one more frame: the content is painted, not just in the DOM
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return performance.now() - t0;
    },
    { route: `#/session/${sessionKey}/episode/${episodeId}/turn/${turnId}` },
  );
}

/** Frame times while the list at `selector` scrolls 300 px a frame (wrapping at its end). */
export async function scrollFrames(page: Page, selector = '[data-testid=session-list]'): Promise<number[]> {
  return page.evaluate(async (sel) => {
    const list = document.querySelector(sel) as HTMLElement;
    const frames: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 240; i++) {
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      frames.push(now - last);
      last = now;
      list.scrollTop = (list.scrollTop + 300) % Math.max(1, list.scrollHeight - list.clientHeight);
    }
    return frames.slice(5);
  }, selector);
}

export async function benchUi(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-ui-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'direct', poolSize: 0 })).start();
  const api = new ApiServer(wb, 'bench-token', join(import.meta.dirname, '../out/renderer'));
  await api.start('127.0.0.1', 0);
  const handlers = createApiHandlers(wb);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${api.url}/?token=bench-token`);
    const url = api.url + '/';

    // 1) a turn whose upstream request is 1 MB vs one of 1 KB, alternated, 5 rounds each
    const small = await handlers['turns:send']({ sessionKey: 'render-small', message: 'k'.repeat(1024) });
    const big = await handlers['turns:send']({ sessionKey: 'render-big', message: 'm'.repeat(1024 * 1024) });
    const bigBytes = wb.store.calls.list({ turnId: big.id })[0]!.requestBytes;
    const tSmall: number[] = [];
    const tBig: number[] = [];
    for (let i = 0; i < 5; i++) {
      tSmall.push(await timeTurnRender(page, url, 'render-small', small.episodeId, small.id));
      tBig.push(await timeTurnRender(page, url, 'render-big', big.episodeId, big.id));
    }
    const rs = summarize(tSmall);
    const rb = summarize(tBig);

    // 2) 100k log lines as fast as the engine emits them, into the terminal of an OpenClaw session
    handlers['sessions:create']({ key: 'logs', runtime: wb.runtimes.openclaw ? 'openclaw' : 'direct' });
    let logRow: Array<string | number> = [
      'log stream',
      'OpenClaw runtime not available here: not measured',
      '',
      '',
      '',
    ];
    if (wb.runtimes.openclaw) {
      await page.goto(`${url}#/session/logs`);
      await page.getByTestId('log-terminal').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid=log-terminal] .xterm-rows') !== null);
      await page.evaluate(() => {
        (window as unknown as { __long: number[] }).__long = [];
        new PerformanceObserver((l) =>
          l.getEntries().forEach((e) => (window as unknown as { __long: number[] }).__long.push(e.duration)),
        ).observe({ type: 'longtask', buffered: false });
      });
      const LINES = 100_000;
      const PER_CHUNK = 50;
      const t0 = performance.now();
      for (let i = 0; i < LINES; i += PER_CHUNK) {
        let text = '';
        const stamp = '\x1b[90m2026-11-24T00:00:00.000Z\x1b[39m \x1b[36m[gateway]\x1b[39m';
        for (let j = i; j < i + PER_CHUNK; j++) text += `${stamp} log line ${j} of the benchmark stream\n`;
        wb.events.emit('logs:chunk', {
          gatewayId: 'bench',
          sessionKey: 'logs',
          stream: 'stdout',
          at: Date.now(),
          text,
        });
        if (i % 2000 === 0) await new Promise((r) => setImmediate(r));
      }
      const produced = performance.now() - t0;
      await page.waitForFunction(
        (n) =>
          Number(/^(\d+)/.exec(document.querySelector('[data-testid=log-lines]')?.textContent ?? '')?.[1] ?? 0) >= n,
        LINES,
        { timeout: 120_000, polling: 50 },
      );
      const shown = performance.now() - t0;
      const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
      logRow = [
        'log stream, 100k lines',
        fmt(LINES / (produced / 1000), 0),
        fmt(LINES / (shown / 1000), 0),
        fmt(Math.max(0, ...long), 0),
        String(long.length),
      ];
    }

    // 3) scrolling the sessions rail: 1,000 sessions vs 10
    for (let i = 0; i < 1000; i++) handlers['sessions:create']({ key: `scroll-${String(i).padStart(4, '0')}` });
    await page.goto(`${url}#/session/scroll-0000`);
    await page.getByTestId('session-list').waitFor();
    const f1000 = summarize(await scrollFrames(page));
    await page.getByLabel('Filter sessions').fill('scroll-000');
    const f10 = summarize(await scrollFrames(page));

    return [
      '### UI in Chromium (headless host, Debian Chromium, headless)',
      '',
      table(
        ['measure', 'value', 'baseline', 'ratio'],
        [
          [
            `render a turn, 1 MB upstream request (${fmt(bigBytes / 2 ** 20, 2)} MB), p50 ms`,
            fmt(rb.p50, 0),
            `1 KB request: ${fmt(rs.p50, 0)}`,
            fmt(rb.p50 / rs.p50, 2),
          ],
          [
            'render a turn, 1 MB upstream request, worst of 5 ms',
            fmt(Math.max(...tBig), 0),
            `1 KB request: ${fmt(Math.max(...tSmall), 0)}`,
            '',
          ],
          [
            'scroll 1,000-session rail: frame interval p50 / p99 ms',
            `${fmt(f1000.p50, 1)} / ${fmt(f1000.p99, 1)}`,
            `10 sessions: ${fmt(f10.p50, 1)} / ${fmt(f10.p99, 1)}`,
            fmt(f1000.p99 / f10.p99, 2),
          ],
        ],
      ),
      '',
      table(
        [
          'log stream',
          'engine emitted lines/s',
          'terminal showed lines/s',
          'longest main-thread task ms',
          'long tasks (>50 ms)',
        ],
        [logRow],
      ),
    ].join('\n');
  } finally {
    await browser.close();
    await api.stop();
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
