// The Leaks map and the Stats view's reward picture in Chromium, against an engine in this process:
// two lab scenarios give two coloured cells where their alerts are (their session and episode, their
// kinds' colours); a map past 5,000 cells is one image whose cell under the pointer is named and
// opened; the rewards show the labeling progress and the histogram from the recorded labels.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing, shot } from '../helpers/browser.ts';
import { engineUi } from '../helpers/engine-ui.ts';
import { seedEpisodes } from '../helpers/seed-pictures.ts';
import { request, until } from '../helpers/workbench.ts';

describe('pictures of leaks and rewards', { skip: chromiumMissing }, () => {
  const ui = engineUi('pictures-token');
  const api = (channel: string, body: unknown) =>
    request(`${ui.api.url}/api/invoke/${channel}`, 'POST', body, { authorization: 'Bearer pictures-token' });

  test('two lab scenarios: a coloured cell each, on the session and episode of its alerts', async () => {
    for (const scenario of ['tokens-reasoning-stripped', 'tokens-tool-schema']) {
      const run = await api('lab:run', { scenario });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.equal(run.body.result.pass, true, `${scenario}: ${JSON.stringify(run.body.result)}`);
    }
    const alerts = (await api('alerts:list', {})).body.result.items as Array<{
      kind: string;
      sessionKey: string;
      episodeIndex: number;
    }>;
    const where = new Map(alerts.map((a) => [`session ${a.sessionKey} · episode ${a.episodeIndex}`, a.kind]));
    assert.equal(new Set(alerts.map((a) => a.kind)).size, 2, 'two kinds planted');

    const { page } = ui;
    await page.goto(ui.url('#/leaks'));
    const map = page.getByTestId('alert-map');
    const cells = map.locator('.alert-map-cells rect');
    await cells.nth(1).waitFor();
    assert.equal(await cells.count(), where.size, 'a cell per leaky episode');
    const colours = new Map<string, string>();
    for (let i = 0; i < (await cells.count()); i++) {
      const title = (await cells.nth(i).locator('title').textContent())!;
      const place = [...where.keys()].find((w) => title.startsWith(`${w}:`));
      assert.ok(place, `the cell "${title}" is where an alert is`);
      colours.set(where.get(place)!, (await cells.nth(i).getAttribute('fill'))!);
    }
    // each kind's cell in the colour its legend swatch shows
    for (const [kind, fill] of colours) {
      const swatch = map.locator(`.legend[data-kind=${kind}] .swatch`);
      const legend = await swatch.evaluate((el) => getComputedStyle(el).backgroundColor);
      const cell = await page.evaluate((f) => {
        const el = document.createElement('span');
        el.style.color = f;
        document.body.append(el);
        const c = getComputedStyle(el).color;
        el.remove();
        return c;
      }, fill);
      assert.equal(cell, legend, `${kind}: the cell's colour is its legend's`);
    }
    assert.notEqual(...([...colours.values()] as [string, string]), 'two kinds, two colours');
    // over time: every alert counted, in bars of the kinds' colours
    const timeline = page.getByTestId('alert-timeline');
    await timeline
      .locator('summary', { hasText: `Over time: ${alerts.length} alerts` })
      .first()
      .waitFor();
    const fills = await timeline.locator('svg rect').evaluateAll((rs) => rs.map((r) => r.getAttribute('fill')));
    assert.deepEqual(new Set(fills), new Set(colours.values()), 'the timeline in the map colours');
    await shot(page, 'alert-map-two-labs');

    // one session chosen: the map zooms to its episodes × turns, a cell on the alerted turn opens it
    const one = (await api('alerts:list', {})).body.result.items.find((a: { turnId: string | null }) => a.turnId) as {
      sessionKey: string;
      episodeIndex: number;
      turnIndex: number;
      turnId: string;
    };
    await page.getByLabel('Session', { exact: true }).selectOption(one.sessionKey);
    await map.locator('summary', { hasText: `Map of session ${one.sessionKey}: 1 leaky turn in 1 episode` }).waitFor();
    const turnCell = map.locator('.alert-map-cells rect');
    assert.equal(await turnCell.count(), 1);
    assert.match(
      (await turnCell.locator('title').textContent())!,
      new RegExp(`^session ${one.sessionKey} · episode ${one.episodeIndex} · turn ${one.turnIndex}: `),
    );
    await turnCell.click();
    await page.waitForFunction((id) => location.hash.includes(`/turn/${id}`), one.turnId);
  });

  test("an episode's turns as a strip, its prompt size per turn as a line with the jump in it", async () => {
    const store = ui.b.wb.store;
    const t0 = Date.now() - 60_000;
    store.sessions.ensure('grow', 'direct', t0);
    const ep = store.episodes.insert({
      sessionKey: 'grow',
      taskId: null,
      metadata: {},
      upstreamKey: 'sk-sess-grow',
      upstreamId: null,
      now: t0,
    });
    // the third prompt is four times the second: a history fed twice
    const prompts = [100, 200, 800];
    const turns = prompts.map((tokens, i) => {
      const turn = store.turns.insert({
        episodeId: ep.id,
        sessionKey: 'grow',
        message: `message ${i}`,
        historyLength: i,
        now: t0 + i * 10_000,
      });
      const c = store.calls.insert({
        upstreamKey: 'sk-sess-grow',
        sessionKey: 'grow',
        episodeId: ep.id,
        turnId: turn.id,
        path: '/v1/chat/completions',
        headers: {},
        body: Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(tokens) }] })),
        startedAt: t0 + i * 10_000 + 10,
      });
      store.calls.finish(c, {
        status: 200,
        outcome: 'complete',
        error: null,
        response: {
          id: null,
          model: 'scripted',
          text: 'ok',
          reasoning: '',
          toolCalls: [],
          finishReason: 'stop',
          usage: { prompt_tokens: tokens, completion_tokens: 2 },
          logprobs: null,
          tokenIds: null,
          chunkCount: 2,
          malformedChunks: 0,
          streamed: true,
        },
        rawResponse: null,
        firstByteAt: t0 + i * 10_000 + 200,
        endedAt: t0 + i * 10_000 + 900,
      });
      store.turns.finish(turn.id, {
        status: 'ok',
        reply: 'ok',
        toolCalls: [],
        error: null,
        now: t0 + i * 10_000 + 1000,
      });
      return turn;
    });
    await store.durable();

    const { page } = ui;
    await page.goto(ui.url(`#/session/grow/episode/${ep.id}`));
    const strip = page.getByTestId('episode-strip');
    const bars = strip.locator('.episode-strip-turns rect');
    await bars.nth(2).waitFor();
    assert.equal(await bars.count(), 3, 'a bar per turn');
    const xs = await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('x'))));
    assert.ok(xs[0]! < xs[1]! && xs[1]! < xs[2]!, `turns in time order: ${xs}`);
    const dots = strip.locator('.episode-prompt-sizes circle');
    await dots.nth(2).waitFor();
    const titles = await dots.evaluateAll((cs) => cs.map((c) => c.querySelector('title')?.textContent));
    assert.deepEqual(titles, [
      'turn #0: largest prompt 100 tokens (1 call)',
      'turn #1: largest prompt 200 tokens (1 call)',
      'turn #2: largest prompt 800 tokens (1 call)',
    ]);
    const ys = await dots.evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cy'))));
    assert.ok(ys[1]! - ys[2]! > 3 * (ys[0]! - ys[1]!), `the jump stands out: ${ys}`);
    await bars.nth(1).click();
    await page.waitForFunction((id) => location.hash.includes(`/turn/${id}`), turns[1]!.id);
    await shot(page, 'episode-strip');
  });

  test('past 5,000 cells the map is one image: the cell under the pointer is named and opens', async () => {
    seedEpisodes(ui.b.wb.store, 60, 100, 100); // 6,000 leaky episodes
    await ui.b.wb.store.durable();
    const { page } = ui;
    await page.goto(ui.url('#/leaks'));
    const image = page.locator('[data-testid=alert-map] .alert-map-raster image');
    await image.waitFor();
    assert.equal(await page.locator('.alert-map-cells rect').count(), 0, 'no SVG cell per episode');
    const svg = page.getByTestId('alert-map-svg');
    // the map is drawn again when data arrives; measure the one that stays
    await until('the map settled', async () => {
      const was = await image.elementHandle();
      await page.waitForTimeout(400);
      const now = await image.elementHandle();
      return was !== null && now !== null && (await now.evaluate((a, b) => a === b, was));
    });
    const box = (await image.boundingBox())!;
    // rows are sessions in the order of their first alert (the lab sessions of the test before first)
    const sessions = (await api('alerts:map', {})).body.result.sessions as string[];
    const rows = sessions.length;
    const row = sessions.indexOf('bench-0007');
    assert.ok(row >= 0 && rows >= 60, `${rows} rows`);
    const column = 42;
    await image.scrollIntoViewIfNeeded();
    const inView = (await image.boundingBox())!;
    await page.mouse.move(inView.x + ((column + 0.5) * box.width) / 100, inView.y + ((row + 0.5) * box.height) / rows);
    await svg.locator('title', { hasText: /^session bench-0007 · episode 42: / }).waitFor({ state: 'attached' });
    await page.mouse.down();
    await page.mouse.up();
    await page.locator('.episode.selected .episode-head', { hasText: 'Episode 42' }).waitFor();
    assert.match(page.url(), /#\/session\/bench-0007\/episode\//);
  });

  test('rewards: labeling progress by source and the histogram from the labels given', async () => {
    const { page } = ui;
    await page.goto(ui.url('#/stats'));
    const rewards = await api('stats:rewards', {});
    const p = rewards.body.result.progress as Record<string, number>;
    const ended = p.human! + p.api! + p.default! + p.unlabeled!;
    assert.ok(p.human! > 0 && p.api! > 0 && p.default! > 0 && p.unlabeled! > 0, JSON.stringify(p));
    const labeled = ended - p.unlabeled!;
    await page
      .getByTestId('labeling-progress')
      .getByText(
        `Rewarded: ${labeled} of ${ended} ended episodes (${Math.round((100 * labeled) / ended)} %) · ` +
          `${p.unlabeled} unlabeled`,
      )
      .waitFor();
    await page.locator('[data-testid=reward-histogram] rect').first().waitFor();
    // the bars add up to every episode with a reward
    const total = await page
      .locator('[data-testid=reward-histogram] rect')
      .evaluateAll((rects) => rects.map((r) => r.querySelector('title')?.textContent ?? '').filter(Boolean).length);
    assert.ok(total > 0, 'each bar names its count');
    const counted = (rewards.body.result.bins as Array<{ count: number }>).reduce((n, b) => n + b.count, 0);
    assert.equal(counted, labeled, 'every reward in a bin, none twice');
    await shot(page, 'stats-rewards');
  });
});
