/// <reference lib="dom" />
// The pictures in Chromium through the headless host: a turn's timeline of 200 calls (each asking
// for a tool) against one of 3, from setting its address to its bars painted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { ApiServer } from '../electron/headless/api-server.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { fmt, summarize, table } from './stats.ts';

/** A finished turn of `n` calls 40 ms apart, each asking for one tool: its timeline's address. */
function recordTurn(wb: Workbench, key: string, n: number): { route: string; bars: number } {
  const store = wb.store;
  const t0 = Date.now() - 3_600_000;
  store.sessions.ensure(key, 'direct', t0);
  const ep = store.episodes.insert({
    sessionKey: key,
    taskId: null,
    metadata: {},
    upstreamKey: `sk-sess-${key}`,
    upstreamId: null,
  });
  const turn = store.turns.insert({ episodeId: ep.id, sessionKey: key, message: 'go', historyLength: 0, now: t0 });
  const toolCalls = [];
  for (let i = 0; i < n; i++) {
    const start = t0 + i * 40;
    const c = store.calls.insert({
      upstreamKey: `sk-sess-${key}`,
      sessionKey: key,
      episodeId: ep.id,
      turnId: turn.id,
      path: '/v1/chat/completions',
      headers: {},
      body: Buffer.from('{"messages":[{"role":"user","content":"go"}]}'),
      startedAt: start,
    });
    const tool = { index: 0, id: `call_${i}`, name: `tool_${i % 5}`, arguments: '{}' };
    toolCalls.push({ ...tool, index: i, result: 'ok' });
    store.calls.finish(c, {
      status: 200,
      outcome: 'complete',
      error: null,
      response: {
        id: null,
        model: 'scripted',
        text: '',
        reasoning: '',
        toolCalls: [tool],
        finishReason: 'tool_calls',
        usage: null,
        logprobs: null,
        tokenIds: null,
        chunkCount: 2,
        malformedChunks: 0,
        streamed: true,
      },
      rawResponse: null,
      firstByteAt: start + 10,
      endedAt: start + 30,
    });
  }
  store.turns.finish(turn.id, { status: 'ok', reply: 'done', toolCalls, error: null, now: t0 + n * 40 });
  // the turn, a wait and a stream per call, and the tools run after each
  return { route: `#/session/${key}/episode/${ep.id}/turn/${turn.id}/tab/timeline`, bars: 1 + 3 * n };
}

/** From setting the address to the timeline's bars all painted. */
async function timeTimeline(page: Page, url: string, route: string, bars: number): Promise<number> {
  await page.goto(`${url}#/settings`);
  await page.getByText('This run').waitFor();
  return page.evaluate(
    async ({ r, n }) => {
      const t0 = performance.now();
      location.hash = r;
      await new Promise<void>((resolve) => {
        const check = () =>
          document.querySelectorAll('.wf-segments rect').length === n ? resolve() : requestAnimationFrame(check);
        check();
      });
      await new Promise((res) => requestAnimationFrame(() => res(null)));
      return performance.now() - t0;
    },
    { r: route, n: bars },
  );
}

export async function benchCharts(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-charts-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'direct', poolSize: 0 })).start();
  const api = new ApiServer(wb, 'bench-charts', join(import.meta.dirname, '../out/renderer'));
  await api.start('127.0.0.1', 0);
  const browser = await launchChromium();
  try {
    const small = recordTurn(wb, 'timeline-3', 3);
    const big = recordTurn(wb, 'timeline-200', 200);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${api.url}/?token=bench-charts`);
    const s: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 11; i++) {
      s.push(await timeTimeline(page, api.url + '/', small.route, small.bars));
      b.push(await timeTimeline(page, api.url + '/', big.route, big.bars));
    }
    const ss = summarize(s.slice(1)); // the first round loads the chart code
    const bs = summarize(b.slice(1));
    return [
      '### Turn timeline in Chromium (1440×900, address set → bars painted, 10 rounds after one warm-up)',
      table(
        ['turn', 'bars', 'p50 ms', 'max ms'],
        [
          ['3 calls', small.bars, fmt(ss.p50, 0), fmt(Math.max(...s.slice(1)), 0)],
          ['200 calls', big.bars, fmt(bs.p50, 0), fmt(Math.max(...b.slice(1)), 0)],
          ['ratio', '', fmt(bs.p50 / ss.p50, 2), ''],
        ],
      ),
    ].join('\n\n');
  } finally {
    await browser.close();
    await api.stop();
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
