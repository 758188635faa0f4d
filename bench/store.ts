// The store at RL scale: a data dir of 100k episodes / 1M upstream calls (10k sessions of 10
// episodes of 10 calls, each call a turn; bodies shaped like a chat agent's, the history growing
// through the episode), then what a user waits for: the engine opening it, every list's first and a
// deep page, full-text search, a streaming export's memory, and the data dir's growth per call —
// synthetic (the big dir) and as recorded through the DataProxy (real HTTP, the scripted model).
// `TRAJSCOPE_BENCH_EPISODES` scales it down for a quick look.
// Over 300 lines: one benchmark's generator, measurements and report, which read best together.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { gzipSync } from 'node:zlib';
import { ConfigService } from '../electron/core/config/service.ts';
import { createApiHandlers, invokeEnvelope, type ApiHandlers } from '../electron/core/api/handlers.ts';
import { exportLines } from '../electron/core/export/jsonl.ts';
import { Store } from '../electron/core/store/store.ts';
import { Workbench } from '../electron/core/workbench.ts';
import { fmt, summarize, table } from './stats.ts';

const EPISODES = Number(process.env.TRAJSCOPE_BENCH_EPISODES ?? 100_000);
const PER_SESSION = 10;
const CALLS = 10;
const REPS = 30;

export const WORDS = Array.from({ length: 4000 }, (_, i) => `w${(i * 2654435761) % 1_000_003}`);
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');

/** The big data dir, written straight into the schema the store migrated (a generator, not a test). */
export function generate(
  dir: string,
  shape = { episodes: EPISODES, perSession: PER_SESSION, calls: CALLS },
): { seconds: number } {
  const { episodes: nEpisodes, perSession: nPerSession, calls: nCalls } = shape;
  new Store(dir).close();
  const db = new DatabaseSync(join(dir, 'trajscope.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;');
  const s = {
    session: db.prepare('INSERT INTO sessions (key, runtime, created_at, closed_at, origin) VALUES (?, ?, ?, ?, ?)'),
    episode: db.prepare(
      `INSERT INTO episodes (id, session_key, idx, task_id, metadata, upstream_key, status, started_at, ended_at)
       VALUES (?, ?, ?, ?, '{}', ?, 'ended', ?, ?)`,
    ),
    turn: db.prepare(
      `INSERT INTO turns (id, episode_id, session_key, idx, status, message, reply, history_length, tool_calls,
        started_at, ended_at, metadata, inferred) VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, '[]', ?, ?, '{}', 0)`,
    ),
    call: db.prepare(
      `INSERT INTO upstream_calls (id, seq, upstream_key, session_key, episode_id, turn_id, outside_turn, path,
        request_headers, request_body, status, response, raw_response, started_at, first_byte_at, ended_at, outcome)
       VALUES (?, ?, ?, ?, ?, ?, 0, '/v1/chat/completions', '{}', ?, 200, ?, ?, ?, ?, ?, 'complete')`,
    ),
    reward: db.prepare(
      `INSERT INTO rewards (id, seq, episode_id, value, source, labeler, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    alert: db.prepare(
      `INSERT INTO alerts (id, kind, severity, session_key, episode_id, message, evidence, created_at)
       VALUES (?, 'double_feed', 'high', ?, ?, 'a message reached the model twice', '[]', ?)`,
    ),
  };
  const t0 = performance.now();
  const start = Date.now() - nEpisodes * 60_000;
  let seq = 0;
  let rseq = 0;
  db.exec('BEGIN');
  for (let e = 0; e < nEpisodes; e++) {
    const key = `s${Math.floor(e / nPerSession)}`;
    const at = start + e * 60_000;
    if (e % nPerSession === 0) s.session.run(key, 'direct', at, at + nPerSession * 60_000, 'live');
    const ep = `ep_${e}`;
    s.episode.run(ep, key, e % nPerSession, `task-${e % 500}`, `sk-sess-${e}`, at, at + 50_000);
    const system = `You are a careful assistant for task ${e % 500}. ${words(40)}`;
    const history: Array<{ role: string; content: string }> = [];
    for (let c = 0; c < nCalls; c++) {
      const message = `${c === 0 ? `tok${e} ` : ''}${words(14)}`;
      const reply = words(24);
      const callAt = at + c * 5000;
      const body = JSON.stringify({
        model: 'qwen3-8b',
        stream: true,
        messages: [{ role: 'system', content: system }, ...history, { role: 'user', content: message }],
      });
      const sse = reply
        .split(' ')
        .map((w) => `data: {"choices":[{"delta":{"content":"${w} "}}]}\n\n`)
        .join('');
      const turn = `turn_${e}_${c}`;
      s.turn.run(turn, ep, key, c, message, reply, history.length, callAt, callAt + 900);
      s.call.run(
        `call_${e}_${c}`,
        ++seq,
        `sk-sess-${e}`,
        key,
        ep,
        turn,
        Buffer.from(body),
        JSON.stringify({ text: reply, toolCalls: [], finishReason: 'stop', usage: null }),
        sse + 'data: [DONE]\n\n',
        callAt,
        callAt + 100,
        callAt + 900,
      );
      history.push({ role: 'user', content: message }, { role: 'assistant', content: reply });
    }
    if (e % 10 === 0) s.reward.run(`rw_${e}`, ++rseq, ep, 1, 'human', 'me', at + 55_000);
    else if (e % 3 === 0) s.reward.run(`rw_${e}`, ++rseq, ep, 0.5, 'api', null, at + 55_000);
    if (e % 50 === 0) s.alert.run(`al_${e}`, key, ep, at + 10_000);
    if (e % 1000 === 999) db.exec('COMMIT; BEGIN');
  }
  db.exec('COMMIT');
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return { seconds: (performance.now() - t0) / 1000 };
}

const bytesOf = (dir: string) =>
  ['trajscope.sqlite', 'trajscope.sqlite-wal'].reduce((n, f) => {
    try {
      return n + statSync(join(dir, f)).size;
    } catch {
      return n;
    }
  }, 0);

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function p50(fn: () => unknown): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < REPS; i++) samples.push(await timed(fn));
  return summarize(samples);
}

function engine(dir: string): Workbench {
  return new Workbench(ConfigService.of({ runtime: 'direct', dataDir: dir }), { openclaw: { enabled: false } });
}

async function invoke<T>(api: ApiHandlers, channel: string, payload: unknown): Promise<T> {
  const r = await invokeEnvelope(api, channel, payload, () => {});
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.result as T;
}

/** Bytes per call as the DataProxy records them: sessions of 10 turns through real HTTP. */
async function recordedGrowth(): Promise<{ perCall: number; bodies: number; gz: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-growth-'));
  const wb = await engine(dir).start();
  try {
    const api = createApiHandlers(wb);
    const empty = bytesOf(dir);
    for (let s = 0; s < 30; s++) {
      for (let t = 0; t < 10; t++) await invoke(api, 'turns:send', { sessionKey: `g${s}`, message: words(14) });
      await invoke(api, 'episodes:end', { sessionKey: `g${s}` });
    }
    const calls = wb.store.calls.count();
    let raw = 0;
    let gz = 0;
    for (const ep of wb.store.episodes.each({}))
      for (const c of wb.store.calls.details(ep.id)) {
        const body = Buffer.concat([Buffer.from(c.requestBody), Buffer.from(c.rawResponse ?? '')]);
        raw += body.length;
        gz += gzipSync(body).length;
      }
    wb.store.retention.vacuum();
    return { perCall: (bytesOf(dir) - empty) / calls, bodies: raw / calls, gz: gz / calls };
  } finally {
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes per call on disk for real OpenClaw requests (the captured fixtures, 12–62 KB each). */
function openclawGrowth(): { perCall: number; body: number } {
  const fixtures = join(import.meta.dirname, '../test/fixtures/openclaw-upstream');
  const bodies = readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const b = (JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as { body: unknown }).body;
      return Buffer.from(typeof b === 'string' ? b : JSON.stringify(b));
    });
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-openclaw-'));
  const store = new Store(dir);
  try {
    const empty = bytesOf(dir);
    store.sessions.ensure('s', 'openclaw');
    const ep = store.episodes.insert({
      sessionKey: 's',
      taskId: null,
      metadata: {},
      upstreamKey: 'sk-sess-x',
      upstreamId: null,
    });
    const path = '/v1/chat/completions';
    const base = { upstreamKey: ep.upstreamKey, sessionKey: 's', episodeId: ep.id, turnId: null, path, headers: {} };
    let total = 0;
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const body = bodies[i % bodies.length]!;
      total += body.length;
      const c = store.calls.insert({ ...base, body, startedAt: Date.now() });
      const raw = `data: {"choices":[{"delta":{"content":"${words(60)}"}}]}\n\ndata: [DONE]\n\n`;
      store.calls.finish(c, {
        status: 200,
        outcome: 'complete',
        error: null,
        response: { text: 'ok' },
        rawResponse: raw,
        firstByteAt: 1,
        endedAt: 2,
      });
    }
    store.retention.vacuum();
    return { perCall: (bytesOf(dir) - empty) / n, body: total / n };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStore(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-store-'));
  try {
    const gen = generate(dir);
    const calls = EPISODES * CALLS;
    const beforeIndex = bytesOf(dir);
    // the search index, built by the engine's own indexer code path
    const store = new Store(dir);
    const tIndex = performance.now();
    while (store.search.indexBatch(2000) > 0);
    const indexSeconds = (performance.now() - tIndex) / 1000;
    store.close();
    const size = bytesOf(dir);

    const tOpen = performance.now();
    const wb = await engine(dir).start();
    const api = createApiHandlers(wb);
    const firstSessions = await invoke<{ items: unknown[] }>(api, 'sessions:list', { limit: 100 });
    await invoke(api, 'episodes:list', { limit: 100 });
    const openMs = performance.now() - tOpen;
    if (firstSessions.items.length !== 100) throw new Error('the sessions list came back short');

    const rows: Array<[string, { p50: number; p99: number }]> = [];
    const measure = async (name: string, fn: () => unknown) => rows.push([name, await p50(fn)]);
    const deep = async (channel: string, payload: object, pages: number) => {
      let cursor: string | undefined;
      for (let i = 0; i < pages; i++) {
        const page = await invoke<{ next: string | null }>(api, channel, { ...payload, limit: 200, cursor });
        cursor = page.next ?? undefined;
      }
      return cursor;
    };
    const deepSessions = await deep('sessions:list', {}, 20);
    const deepEpisodes = await deep('episodes:list', {}, 100);
    const middle = `s${Math.floor(EPISODES / PER_SESSION / 2)}`;
    const ep = `ep_${Math.floor(EPISODES / 2)}`;
    await measure('sessions, first page (100, with counts)', () => invoke(api, 'sessions:list', { limit: 100 }));
    await measure('sessions, page 21 (by cursor)', () =>
      invoke(api, 'sessions:list', { limit: 200, cursor: deepSessions }),
    );
    await measure('episodes, first page (200)', () => invoke(api, 'episodes:list', { limit: 200 }));
    await measure('episodes, page 101 (by cursor)', () =>
      invoke(api, 'episodes:list', { limit: 200, cursor: deepEpisodes }),
    );
    await measure('episodes of one session', () => invoke(api, 'episodes:list', { sessionKey: middle }));
    await measure('episodes, ended only', () => invoke(api, 'episodes:list', { status: 'ended', limit: 200 }));
    await measure('turns of an episode', () => invoke(api, 'turns:list', { episodeId: ep }));
    await measure('calls of an episode', () => invoke(api, 'calls:list', { episodeId: ep }));
    await measure('a call with its bodies', () => invoke(api, 'calls:get', { callId: `call_${ep.slice(3)}_9` }));
    await measure('alerts, first page', () => invoke(api, 'alerts:list', { limit: 200 }));
    await measure('alerts of one session', () => invoke(api, 'alerts:list', { sessionKey: middle }));
    await measure('groups, first page', () => invoke(api, 'groups:list', { limit: 100 }));
    await measure('search: a rare word (one episode)', () =>
      invoke(api, 'search:calls', { query: `tok${Math.floor(EPISODES / 3)}`, limit: 50 }),
    );
    await measure('search: a common word, newest 50', () =>
      invoke(api, 'search:calls', { query: WORDS[17], limit: 50 }),
    );
    await measure('search: a word and a prefix (typing)', () =>
      invoke(api, 'search:calls', { query: `${WORDS[3]} ${WORDS[99]!.slice(0, 4)}`, limit: 50 }),
    );
    await measure('search: a phrase', () =>
      invoke(api, 'search:calls', { query: `"careful assistant for task 42"`, limit: 50 }),
    );
    await measure('storage stats', () => invoke(api, 'data:stats', {}));

    // a streaming export of 10k episodes: its memory stays flat however much it writes
    const ids = Array.from({ length: Math.min(10_000, EPISODES) }, (_, i) => `ep_${i}`);
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    let bytes = 0;
    let lines = 0;
    const tExport = performance.now();
    for (const line of exportLines(wb.store, { episodes: ids })) {
      bytes += line.length + 1;
      if (++lines % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const exportSeconds = (performance.now() - tExport) / 1000;
    await wb.stop();
    const growth = await recordedGrowth();
    const openclaw = openclawGrowth();

    const today = new Date().toISOString().slice(0, 10);
    return [
      `## The store at scale (\`npm run bench -- store\`, measured ${today})`,
      '',
      `A data dir of ${EPISODES.toLocaleString('en')} episodes / ${calls.toLocaleString('en')} upstream calls ` +
        `(${(EPISODES / PER_SESSION).toLocaleString('en')} sessions; each episode 10 turns, one call each, history ` +
        `growing through the episode; a human label on every 10th episode, an alert on every 50th), written in ` +
        `${fmt(gen.seconds, 0)} s; the search index built by the engine's indexer in ${fmt(indexSeconds, 0)} s ` +
        `(${fmt(calls / indexSeconds, 0)} calls/s). Database ${fmt(size / 1048576, 0)} MB ` +
        `(${fmt(beforeIndex / calls, 0)} bytes per call, ${fmt((size - beforeIndex) / calls, 0)} more with the index).`,
      '',
      `Open (engine start on that data dir, then the first sessions and episodes pages answered): ` +
        `**${fmt(openMs, 0)} ms**.`,
      '',
      table(
        ['request (through the workbench API handlers)', 'p50 ms', 'p99 ms'],
        rows.map(([name, r]) => [name, fmt(r.p50), fmt(r.p99)]),
      ),
      '',
      `Export of 10,000 episodes (${lines.toLocaleString('en')} lines, ${fmt(bytes / 1048576, 0)} MB) in ` +
        `${fmt(exportSeconds, 1)} s; RSS grew ${fmt((peak - rss0) / 1048576, 0)} MB while it ran.`,
      '',
      `Recorded through the DataProxy (30 sessions of 10 turns, DirectRuntime, the scripted model): ` +
        `${fmt(growth.perCall, 0)} bytes of data dir per call after VACUUM; request body + raw stream ` +
        `${fmt(growth.bodies, 0)} bytes per call, ${fmt(growth.gz, 0)} gzipped ` +
        `(${fmt(growth.bodies / growth.gz, 1)}× smaller); these bodies are under the 8 KB from which bodies are ` +
        `stored deflated, so they are stored as sent.`,
      '',
      `Real OpenClaw requests (the captured fixtures, ${fmt(openclaw.body / 1024, 1)} KB on average): ` +
        `${fmt(openclaw.perCall / 1024, 1)} KB of data dir per call — stored deflated ` +
        `(${fmt(openclaw.body / openclaw.perCall, 1)}× less than the request alone).`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
