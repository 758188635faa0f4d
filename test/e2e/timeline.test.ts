// A turn's timeline in Chromium: a turn of three calls and two tool calls (one failed), recorded at
// known times, shows three call rows whose bars sit in time order at the recorded times (the table
// says the numbers, the bars' positions agree with them), the tools between the calls, and a click
// on a call's bar opens that call. The engine runs in this process so the test records the times.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UpstreamResponseSummary } from '../../shared/domain.ts';
import { chromiumMissing, shot } from '../helpers/browser.ts';
import { engineUi } from '../helpers/engine-ui.ts';

describe('the turn timeline', { skip: chromiumMissing }, () => {
  const ui = engineUi();

  test('three calls and two tool calls: bars in time order at the recorded times; a bar opens its call', async () => {
    const { page } = ui;
    const store = ui.b.wb.store;
    const t0 = Date.now() - 60_000;
    store.sessions.ensure('wf', 'direct', t0);
    const ep = store.episodes.insert({
      sessionKey: 'wf',
      taskId: null,
      metadata: {},
      upstreamKey: 'sk-sess-wf',
      upstreamId: null,
      now: t0,
    });
    const turn = store.turns.insert({
      episodeId: ep.id,
      sessionKey: 'wf',
      message: 'Weather, then news?',
      historyLength: 0,
      now: t0,
    });
    const times = [
      { start: 100, first: 400, end: 900, tools: ['get_weather'] },
      { start: 1500, first: 1700, end: 2300, tools: ['web_search'] },
      { start: 2800, first: 3000, end: 3600, tools: [] },
    ];
    const ids: string[] = [];
    for (const t of times) {
      const c = store.calls.insert({
        upstreamKey: 'sk-sess-wf',
        sessionKey: 'wf',
        episodeId: ep.id,
        turnId: turn.id,
        path: '/v1/chat/completions',
        headers: {},
        body: Buffer.from('{"messages":[{"role":"user","content":"Weather, then news?"}]}'),
        startedAt: t0 + t.start,
      });
      const response: UpstreamResponseSummary = {
        id: null,
        model: 'scripted',
        text: t.tools.length ? '' : 'Sunny; no news.',
        reasoning: '',
        toolCalls: t.tools.map((name, index) => ({ index, id: `call_${name}`, name, arguments: '{}' })),
        finishReason: t.tools.length ? 'tool_calls' : 'stop',
        usage: null,
        logprobs: null,
        tokenIds: null,
        chunkCount: 3,
        malformedChunks: 0,
        streamed: true,
      };
      store.calls.finish(c, {
        status: 200,
        outcome: 'complete',
        error: null,
        response,
        rawResponse: null,
        firstByteAt: t0 + t.first,
        endedAt: t0 + t.end,
      });
      ids.push(c.id);
    }
    store.turns.finish(turn.id, {
      status: 'ok',
      reply: 'Sunny; no news.',
      toolCalls: [
        { index: 0, id: 'call_get_weather', name: 'get_weather', arguments: '{}', result: 'sunny' },
        { index: 1, id: 'call_web_search', name: 'web_search', arguments: '{}', error: 'Unknown tool id: web_search' },
      ],
      error: null,
      now: t0 + 3800,
    });

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(ui.url(`#/session/wf/episode/${ep.id}/turn/${turn.id}/tab/timeline`));
    const timeline = page.getByTestId('waterfall');
    await timeline.getByTestId('waterfall-svg').waitFor();
    // the numbers: each call's wait and stream at its recorded times, the tools between the calls
    const table = timeline.getByTestId('waterfall-table');
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td, i) => (i === 1 ? '' : td.textContent))),
      );
    assert.deepEqual(
      rows.map((r) => [r[0], r[2], r[3]]),
      [
        ['turn', '0', '3800'],
        ['call 1', '100', '400'],
        ['call 1', '400', '900'],
        ['tool get_weather', '900', '1500'],
        ['call 2', '1500', '1700'],
        ['call 2', '1700', '2300'],
        ['tool web_search', '2300', '2800'],
        ['call 3', '2800', '3000'],
        ['call 3', '3000', '3600'],
      ],
    );
    assert.equal(await table.locator('tr[data-kind=tool-failed]').count(), 1, 'the failed tool told apart');
    // the picture agrees: bars left to right in the calls' order, where the times put them
    const bars = await timeline.locator('.wf-segments rect').evaluateAll((rects) =>
      rects.map((r) => {
        const box = r.getBoundingClientRect();
        return { x1: box.left, x2: box.right, title: r.querySelector('title')?.textContent ?? '' };
      }),
    );
    assert.equal(bars.length, 9);
    const turnBar = bars[0]!;
    const px = (ms: number) => turnBar.x1 + ((turnBar.x2 - turnBar.x1) * ms) / 3800;
    const waits = bars.filter((b) => /waited/.test(b.title));
    assert.deepEqual(
      waits.map((b) => b.title.match(/^call (\d)/)![1]),
      ['1', '2', '3'],
    );
    waits.forEach((b, i) => {
      assert.ok(Math.abs(b.x1 - px(times[i]!.start)) < 2, `call ${i + 1} starts at ${times[i]!.start} ms`);
      assert.ok(Math.abs(b.x2 - px(times[i]!.first)) < 2, `call ${i + 1}'s first byte at ${times[i]!.first} ms`);
    });
    assert.ok(waits[0]!.x1 < waits[1]!.x1 && waits[1]!.x1 < waits[2]!.x1, 'in time order');
    await shot(page, 'turn-timeline');
    // a call's bar opens that call
    await timeline
      .locator('.wf-segments rect')
      .filter({ has: page.locator('title', { hasText: /^call 2 \(#\d+\): streamed/ }) })
      .click();
    await page.waitForFunction((id) => location.hash.includes(`/call/${id}`), ids[1]!);
    await page.getByRole('tab', { name: /Upstream calls/, selected: true }).waitFor();
  });
});
