/// <reference lib="dom" />
// The Leaks and Stats pictures in Chromium through the headless host, a small engine against a big
// one, alternating in one run: the alert map (10 × 5 against 1,000 sessions × 50 leaky episodes),
// a day of each-second RSS for one gateway against ten (loading it; panning it frame by frame), and
// the rewards of 1,000 against 100,000 episodes, each from setting the address to the picture painted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { ApiServer } from '../electron/headless/api-server.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { seedEpisodes, seedResources } from '../test/helpers/seed-pictures.ts';
import { fmt, summarize, table } from './stats.ts';

interface Engine {
  wb: Workbench;
  api: ApiServer;
  dir: string;
  url: string;
  cells: number;
}

async function engine(name: string, seed: (wb: Workbench) => void, cells: number): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), `trajscope-bench-${name}-`));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'direct', poolSize: 0 })).start();
  seed(wb);
  await wb.store.durable();
  const api = new ApiServer(wb, `bench-${name}`, join(import.meta.dirname, '../out/renderer'));
  await api.start('127.0.0.1', 0);
  return { wb, api, dir, url: `${api.url}/?token=bench-${name}`, cells };
}

/** From setting the address to `done` holding in the page (checked each frame), plus one frame. */
async function timeTo(page: Page, e: Engine, route: string, done: string, arg: number): Promise<number> {
  await page.goto(`${e.url}#/settings`);
  await page.getByText('This run').waitFor();
  return page.evaluate(
    async ({ r, check, n }) => {
      const holds = new Function('n', `return (${check})(n)`) as (n: number) => boolean;
      const t0 = performance.now();
      location.hash = r;
      await new Promise<void>((resolve) => {
        const poll = () => (holds(n) ? resolve() : requestAnimationFrame(poll));
        poll();
      });
      await new Promise((res) => requestAnimationFrame(() => res(null)));
      return performance.now() - t0;
    },
    { r: route, check: done, n: arg },
  );
}

// the small map's cells are SVG rects; the big one is one raster image
const MAP_DRAWN = `(n) => n < 5000 ? document.querySelectorAll('.alert-map-cells rect').length === n
  : document.querySelector('.alert-map-raster image') !== null`;
const SERIES_DRAWN = `() => document.querySelector('[data-testid=resource-chart] canvas') !== null`;
const REWARDS_DRAWN = `() => document.querySelectorAll('[data-testid=reward-histogram] rect').length > 0`;

/** The map redrawn from the data in hand (a filter changed, nothing fetched): mapCells + Plot. */
async function redrawMap(page: Page, e: Engine): Promise<number[]> {
  await page.goto(`${e.url}#/leaks`);
  await page.locator('[data-testid=alert-map-svg]').waitFor();
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const was = await page.locator('[data-testid=alert-map-svg]').elementHandle();
    const t0 = Date.now();
    await page.getByLabel('Lab runs').selectOption(i % 2 ? 'all' : 'hide');
    await page.waitForFunction((old) => {
      const now = document.querySelector('[data-testid=alert-map-svg]');
      return now !== null && now !== old;
    }, was);
    times.push(Date.now() - t0);
  }
  return times.slice(1);
}

/**
 * Frame times while the chart pans a tenth of its range each frame (`zoomIns` × "+" first), and
 * the time from choosing "last 24 h" to its samples loaded and drawn.
 */
async function panFrames(page: Page, e: Engine, zoomIns: number): Promise<{ load: number; frames: number[] }> {
  await page.goto(`${e.url}#/stats`);
  await page.locator('[data-testid=resource-chart] canvas').first().waitFor();
  const t0 = performance.now();
  const loaded = page.waitForResponse((r) => r.url().includes('resources:series'));
  await page.getByLabel('Time range').selectOption({ label: 'last 24 h' });
  await (await loaded).finished();
  await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
  const load = performance.now() - t0;
  await page.waitForTimeout(500);
  await page.getByTestId('resource-chart').focus();
  for (let i = 0; i < zoomIns; i++) await page.keyboard.press('+');
  const frames = await page.evaluate(async () => {
    const chart = document.querySelector('[data-testid=resource-chart]')!;
    const times: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 61; i++) {
      chart.dispatchEvent(new KeyboardEvent('keydown', { key: i % 2 ? 'ArrowLeft' : 'ArrowRight', bubbles: true }));
      await new Promise((res) => requestAnimationFrame(() => res(null)));
      const now = performance.now();
      if (i > 0) times.push(now - last);
      last = now;
    }
    return times;
  });
  return { load, frames };
}

export async function benchPictures(): Promise<string> {
  const t0 = performance.now();
  const small = await engine(
    'small',
    (wb) => {
      seedEpisodes(wb.store, 10, 10, 5);
      seedResources(wb.store, 1, 24 * 3600);
    },
    50,
  );
  const big = await engine(
    'big',
    (wb) => {
      seedEpisodes(wb.store, 1000, 100, 50);
      seedResources(wb.store, 10, 24 * 3600);
    },
    50_000,
  );
  const seeded = (performance.now() - t0) / 1000;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const rounds = { map: [[], []], series: [[], []], rewards: [[], []] } as Record<string, number[][]>;
    for (let i = 0; i < 6; i++) {
      for (const [j, e] of [small, big].entries()) {
        rounds.map![j]!.push(await timeTo(page, e, '#/leaks', MAP_DRAWN, e.cells));
        rounds.series![j]!.push(await timeTo(page, e, '#/stats', SERIES_DRAWN, 0));
        rounds.rewards![j]!.push(await timeTo(page, e, '#/stats', REWARDS_DRAWN, 0));
      }
    }
    const p50 = (xs: number[]) => summarize(xs.slice(1)).p50; // the first round loads the code
    const rows = (what: string, key: string, a: string, b: string) => {
      const [s, l] = [p50(rounds[key]![0]!), p50(rounds[key]![1]!)];
      return [
        [what, a, fmt(s, 0)],
        ['', b, fmt(l, 0)],
        ['', 'ratio', fmt(l / s, 2)],
      ];
    };
    const redraws = [await redrawMap(page, small), await redrawMap(page, big)];
    const pans: Array<[string, { load: number; frames: number[] }]> = [
      ['1 gateway, a day in view (86k points)', await panFrames(page, small, 0)],
      ['10 gateways, a day in view (864k points)', await panFrames(page, big, 0)],
      ['10 gateways, ≈ 1.4 h in view (zoomed)', await panFrames(page, big, 4)],
    ];
    return [
      `Seeded in ${fmt(seeded, 0)} s: big = 1,000 sessions × 100 episodes (50 leaky each: 50,000 map cells; ` +
        '4 in 5 rewarded, from a person, the API or a default), 10 gateways × 24 h of samples each second; ' +
        'small = 10 × 10 (5 leaky each), 1 gateway × 24 h.',
      '### Address set → picture painted (1440×900, p50 of 5 rounds after one warm-up, alternating)',
      table(
        ['picture', 'engine', 'p50 ms'],
        [
          ...rows('alert map', 'map', 'small: 50 cells', 'big: 50,000 cells'),
          ...rows('gateway series, last 1 h', 'series', 'small: 1 gateway', 'big: 10 gateways'),
          ...rows('rewards', 'rewards', 'small: 100 episodes', 'big: 100,000 episodes'),
        ],
      ),
      '### The alert map redrawn from the data in hand (a filter changed: cells worked out and drawn, nothing fetched)',
      table(
        ['map', 'p50 ms', 'max ms'],
        [
          ['50 cells', fmt(summarize(redraws[0]!).p50, 0), fmt(Math.max(...redraws[0]!), 0)],
          ['50,000 cells', fmt(summarize(redraws[1]!).p50, 0), fmt(Math.max(...redraws[1]!), 0)],
        ],
      ),
      '### Panning the gateway series (ArrowRight/Left each frame, 60 frames)',
      table(
        ['series in view', 'p50 frame ms', 'worst frame ms', 'frames/s at p50', '24 h loaded + drawn ms'],
        pans.map(([what, { load, frames }]) => {
          const s = summarize(frames);
          return [what, fmt(s.p50, 1), fmt(Math.max(...frames), 1), fmt(1000 / s.p50, 0), fmt(load, 0)];
        }),
      ),
    ].join('\n\n');
  } finally {
    await browser.close();
    for (const e of [small, big]) {
      await e.api.stop();
      await e.wb.stop();
      rmSync(e.dir, { recursive: true, force: true });
    }
  }
}
