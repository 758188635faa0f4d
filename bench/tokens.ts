/// <reference lib="dom" />
// Token truth's costs, each side by side in one run:
// 1. forwarding: the recorder adding `return_token_ids` + `logprobs` and taking them out of each
//    stream event, against the agent asking for them itself (forwarded and relayed byte for byte);
//    the model does the same work on both sides, so the difference is the recorder's.
// 2. the token checks (token_prefix_break + template_drift) on growing OpenClaw calls of ≈ 100 KB,
//    re-encoding only what changed since the episode's previous call, against encoding it whole.
// 3. the token view of a 100k-token call painted in Chromium, against a 1k-token call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { request } from 'undici';
import { AnsweredCalls } from '../electron/core/analysis/answered.ts';
import { templateDriftDetector } from '../electron/core/analysis/detectors/template-drift.ts';
import { tokenPrefixBreakDetector } from '../electron/core/analysis/detectors/token-prefix-break.ts';
import { createApiHandlers } from '../electron/core/api/handlers.ts';
import { ConfigService } from '../electron/core/config/service.ts';
import { loadTokenizer } from '../electron/core/tokens/chat-tokenizer.ts';
import { encodeRendered } from '../electron/core/tokens/rendered-ids.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { ApiServer } from '../electron/headless/api-server.ts';
import type { UpstreamCall } from '../shared/domain.ts';
import type { ChatMessage, ChatRequestBody } from '../shared/wire/openai.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { sampleBody } from '../test/helpers/samples.ts';
import { fmt, summarize, table } from './stats.ts';
import { scrollFrames } from './ui.ts';

async function forwarding(wb: Workbench): Promise<string> {
  const handlers = createApiHandlers(wb);
  const ep = await handlers['episodes:start']({ sessionKey: 'bench-forward' });
  const key = wb.store.episodes.get(ep.id)!.upstreamKey;
  const call = async (asked: boolean, i: number) => {
    const body = {
      model: wb.upstreams.modelOf(null),
      messages: [{ role: 'user', content: `message ${i}: what is the weather in Paris?` }],
      stream: true,
      ...(asked ? { return_token_ids: true, logprobs: true } : {}),
    };
    const t = performance.now();
    const res = await request(`${wb.recorder.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`recorder answered ${res.statusCode}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 100; i++) await call(i % 2 === 0, i); // warm both paths
  const asked: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < 1000; i++) {
    // alternate call by call, so machine noise hits both sides alike
    if (i % 2 === 0) asked.push(await call(true, i));
    else added.push(await call(false, i));
  }
  const a = summarize(asked);
  const b = summarize(added);
  return table(
    ['token fields', 'calls', 'p50 ms', 'p99 ms'],
    [
      ['asked by the agent (forwarded and relayed as they are)', a.n, fmt(a.p50, 3), fmt(a.p99, 3)],
      ['added by the recorder (inserted, stripped per event)', b.n, fmt(b.p50, 3), fmt(b.p99, 3)],
      ['added cost', '', fmt(b.p50 - a.p50, 3), fmt(b.p99 - a.p99, 3)],
    ],
  );
}

function checks(): string {
  const tok = loadTokenizer(null);
  const base = sampleBody('default-config-first-call');
  // an OpenClaw episode: its 60 KB first call (system prompt + tools), growing a turn at a time to ≈ 120 KB
  const episodes = 4;
  const perEpisode = 16;
  const incremental: number[] = [];
  const whole: number[] = [];
  const sizes: number[] = [];
  for (let e = 0; e < episodes; e++) {
    const answers = new AnsweredCalls();
    const messages: ChatMessage[] = [...base.messages];
    for (let i = 0; i < perEpisode; i++) {
      const body: ChatRequestBody = { ...base, messages: [...messages] };
      const bytes = Buffer.byteLength(JSON.stringify(body));
      const reply = `Turn ${i}: ${'the lighthouse keeper logged the tide and the weather. '.repeat(60)}`;
      const promptIds = tok.encode(tok.renderPrompt(body));
      const outputIds = [...tok.encode(reply), ...tok.encode('<|im_end|>')];
      const call = {
        id: `c${e}-${i}`,
        sessionKey: 'bench',
        episodeId: `e${e}`,
        turnId: `t${e}-${i}`,
        outcome: 'complete',
        response: { text: reply, reasoning: '', toolCalls: [], promptTokenIds: promptIds, tokenIds: outputIds },
      } as unknown as UpstreamCall;
      const t0 = performance.now();
      answers.requested(call.id, body, bytes);
      const found = answers.answered(call)!;
      const input = { call, ...found, tokenizer: () => tok };
      const a = tokenPrefixBreakDetector.check(input);
      const b = templateDriftDetector.check(input);
      const t1 = performance.now();
      if (a || b) throw new Error(`a clean episode raised ${JSON.stringify(a ?? b)}`);
      // the same check encoding the whole rendering again (what a check without the prefix would do)
      const t2 = performance.now();
      encodeRendered(tok, tok.renderPrompt(body));
      const t3 = performance.now();
      if (e > 0 && i > 0 && bytes >= 90_000) {
        incremental.push(t1 - t0);
        whole.push(t3 - t2);
        sizes.push(bytes);
      }
      messages.push({ role: 'assistant', content: reply }, { role: 'user', content: `Next question ${i}?` });
    }
  }
  const inc = summarize(incremental);
  const all = summarize(whole);
  const kb = summarize(sizes);
  return table(
    ['token checks per call (calls of 90–130 KB)', 'calls', 'p50 ms', 'p99 ms', 'median call KB'],
    [
      [
        'prefix already checked: only what changed re-encoded',
        inc.n,
        fmt(inc.p50),
        fmt(inc.p99),
        fmt(kb.p50 / 1024, 0),
      ],
      ['rendering encoded whole', all.n, fmt(all.p50), fmt(all.p99), fmt(kb.p50 / 1024, 0)],
      ['ratio (whole / incremental)', '', fmt(all.p50 / inc.p50, 1), '', ''],
    ],
  );
}

/** From setting the call's address (its token view) to its chips painted. */
async function timeTokenView(page: Page, url: string, route: string): Promise<number> {
  await page.goto(`${url}#/settings`);
  await page.getByText('This run').waitFor();
  return page.evaluate(async (r) => {
    const t0 = performance.now();
    location.hash = r;
    await new Promise<void>((resolve) => {
      const check = () =>
        document.querySelector('[data-testid=token-view] .tok') ? resolve() : requestAnimationFrame(check);
      check();
    });
    await new Promise((res) => requestAnimationFrame(() => res(null)));
    return performance.now() - t0;
  }, route);
}

async function tokenView(wb: Workbench, dir: string): Promise<string> {
  const handlers = createApiHandlers(wb);
  const api = new ApiServer(wb, 'bench-token', join(import.meta.dirname, '../out/renderer'));
  await api.start('127.0.0.1', 0);
  const browser = await launchChromium();
  try {
    const routes: string[] = [];
    for (const [key, n] of [
      ['tokens-1k', 1_000],
      ['tokens-100k', 100_000],
    ] as const) {
      const turn = await handlers['turns:send']({ sessionKey: key, message: 'hello' });
      const call = wb.store.calls.list({ turnId: turn.id })[0]!;
      const detail = wb.store.calls.detail(call.id)!;
      // the call's answer as a server with a 100k-token prompt would give it (ids of real text)
      const ids = Array.from({ length: n }, (_, i) => 1000 + ((i * 7919) % 50_000));
      wb.store.calls.finish(call, {
        status: 200,
        outcome: 'complete',
        error: null,
        response: { ...detail.response, promptTokenIds: ids, tokenIds: ids.slice(0, 200) },
        rawResponse: null,
        firstByteAt: call.firstByteAt,
        endedAt: call.endedAt ?? Date.now(),
      });
      routes.push(`#/session/${key}/episode/${turn.episodeId}/turn/${turn.id}/call/${call.id}/tokens/0`);
    }
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${api.url}/?token=bench-token`);
    const small: number[] = [];
    const big: number[] = [];
    for (let i = 0; i < 6; i++) {
      small.push(await timeTokenView(page, api.url + '/', routes[0]!));
      big.push(await timeTokenView(page, api.url + '/', routes[1]!));
    }
    const s = summarize(small.slice(1)); // the first round loads the tokenizer
    const b = summarize(big.slice(1));
    // scrolling: frame times while the 100k column moves 300 px a frame, against the 1k one
    const frames: Record<string, number[]> = {};
    for (const [name, route] of [
      ['1k', routes[0]!],
      ['100k', routes[1]!],
    ] as const) {
      await timeTokenView(page, api.url + '/', route);
      frames[name] = await scrollFrames(page, '[data-testid=token-column]');
    }
    const f1 = summarize(frames['1k']!);
    const f100 = summarize(frames['100k']!);
    return [
      table(
        ['token view (address set → chips painted)', 'rounds', 'p50 ms', 'max ms'],
        [
          ['1k prompt tokens', s.n, fmt(s.p50, 0), fmt(Math.max(...small.slice(1)), 0)],
          ['100k prompt tokens', b.n, fmt(b.p50, 0), fmt(Math.max(...big.slice(1)), 0)],
          ['ratio', '', fmt(b.p50 / s.p50, 2), ''],
        ],
      ),
      table(
        ['scrolling the token column (300 px a frame)', 'frames', 'p50 frame ms', 'p99 frame ms'],
        [
          ['1k prompt tokens', f1.n, fmt(f1.p50, 1), fmt(f1.p99, 1)],
          ['100k prompt tokens', f100.n, fmt(f100.p50, 1), fmt(f100.p99, 1)],
        ],
      ),
    ].join('\n\n');
  } finally {
    await browser.close();
    await api.stop();
    void dir;
  }
}

export async function benchTokens(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-tokens-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'direct', poolSize: 0 })).start();
  try {
    const out = [
      '### Forwarding with token ids (1000 streamed calls, alternated, concurrency 1)',
      await forwarding(wb),
    ];
    out.push('### Token checks on the analysis thread', checks());
    out.push('### Token view in Chromium (1440×900, 5 rounds after one warm-up)', await tokenView(wb, dir));
    return out.join('\n\n');
  } finally {
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
