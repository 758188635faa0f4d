// `npm run bench -- memory`: the engine's memory over a long RL run of distinct text. 5,000
// episodes, each one turn of ≈ 100 KB of text no other episode holds, go through the DataProxy
// (DirectRuntime, the scripted model, the leak detectors on their worker) — once through one
// session, once through many — and the engine's RSS is sampled at 500, 2,500 and 5,000 episodes
// (after the detectors caught up and a GC). At the end a leak is planted (an earlier episode's or
// session's text in a prompt where it does not belong) and must still be found.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ConfigService } from '../electron/core/config/service.ts';
import { Workbench } from '../electron/core/workbench.ts';

/** TRAJSCOPE_BENCH_MEMORY_EPISODES: fewer episodes for a quick look (the target is stated for 5,000). */
const EPISODES = Number(process.env.TRAJSCOPE_BENCH_MEMORY_EPISODES ?? 5000);
const CHECKPOINTS = [EPISODES / 10, EPISODES / 2, EPISODES];
const TEXT_BYTES = 100 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** ≈ 100 KB of words no other call of the run uses (each word carries a fresh random number). */
function distinctText(): string {
  const words: string[] = [];
  let n = 0;
  while (n < TEXT_BYTES) {
    const w = `w${Math.random().toString(36).slice(2, 9)}`;
    words.push(w);
    n += w.length + 1;
  }
  return words.join(' ');
}

async function post(url: string, key: string, body: unknown): Promise<{ session_api_key: string }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const out = await r.json();
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(out).slice(0, 200)}`);
  return out;
}

interface Run {
  name: string;
  rss: number[];
  seconds: number;
  leak: string;
}

async function run(name: string, sessions: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-memory-'));
  const wb = await new Workbench(ConfigService.of({ dataDir: dir, runtime: 'direct' }), {
    openclaw: { enabled: false },
  }).start();
  const proxy = (path: string, body: unknown) => post(`${wb.proxyUrl}${path}`, wb.adminKey, body);
  const rss: number[] = [];
  const texts = new Map<string, string>(); // the last text of the newest sessions, to plant a leak from
  const keys = new Map<string, string>(); // each session's open episode key
  const t0 = performance.now();
  try {
    const perSession = EPISODES / sessions;
    let done = 0;
    let next = 0;
    const episode = async (key: string) => {
      const ep = await proxy(`/session/${key}/episode/start`, { task_id: key });
      keys.set(key, ep.session_api_key);
      const text = distinctText();
      await proxy(`/session/${key}/turn`, { message: text });
      texts.set(key, text);
      // only the newest few: the load generator's own memory must not grow with the run it measures
      for (const old of texts.keys()) if (texts.size > 8) texts.delete(old);
      const n = ++done; // other lanes go on counting while this one samples
      if (!CHECKPOINTS.includes(n)) return;
      await wb.analysis.settled();
      gc();
      rss.push(process.memoryUsage().rss);
      const m = process.memoryUsage();
      const mbs = (b: number | null) => (b === null ? '–' : `${(b / 1048576).toFixed(0)} MB`);
      process.stderr.write(
        `${name}: ${n} episodes, RSS ${mbs(m.rss)}, main heap ${mbs(m.heapUsed)}/${mbs(m.heapTotal)}, ` +
          `external ${mbs(m.external)}, worker heap ${mbs(await wb.analysis.workerHeap())}\n`,
      );
    };
    // four sessions at a time; each session's episodes one after another, as an agent's are
    const lane = async () => {
      while (next < sessions) {
        const key = `${name}-${next++}`;
        for (let e = 0; e < perSession; e++) await episode(key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, sessions) }, lane));
    const seconds = (performance.now() - t0) / 1000;
    // the leak: an earlier episode's (or session's) text in a prompt, not replayed by the DataProxy
    const victim = sessions === 1 ? `${name}-0` : `${name}-${sessions - 1}`;
    const source = sessions === 1 ? texts.get(victim)! : texts.get(`${name}-${sessions - 2}`)!;
    if (sessions === 1) {
      const ep = await proxy(`/session/${victim}/episode/start`, { task_id: 'leak' });
      keys.set(victim, ep.session_api_key);
    }
    const passage = source.split(' ').slice(1000, 1200).join(' ');
    await post(`${wb.recorder.url}/chat/completions`, keys.get(victim)!, {
      model: wb.upstreams.modelOf(null),
      messages: [
        { role: 'user', content: passage },
        { role: 'assistant', content: 'noted' },
        { role: 'user', content: 'go on' },
      ],
    });
    await wb.analysis.settled();
    const kinds = wb.store.alerts
      .list({ sessionKey: victim, limit: 100 })
      .items.filter((a) => a.kind === 'cross_episode' || a.kind === 'cross_session')
      .map((a) => a.kind);
    return { name, rss, seconds, leak: kinds.length ? [...new Set(kinds)].join(', ') : 'NOT FOUND' };
  } finally {
    await wb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchMemory(): Promise<string> {
  // TRAJSCOPE_BENCH_MEMORY_RUNS=many (or one): only that run, to repeat it alone
  const only = process.env.TRAJSCOPE_BENCH_MEMORY_RUNS;
  const runs: Run[] = [];
  if (only !== 'many') runs.push(await run('one', 1));
  if (only !== 'one') runs.push(await run('many', EPISODES / 10));
  const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
  const today = new Date().toISOString().slice(0, 10);
  const lines = [
    `## Memory over a long run of distinct text (\`npm run bench -- memory\`, measured ${today})`,
    '',
    `${EPISODES.toLocaleString('en')} episodes of one turn each, ≈ 100 KB of text no other episode holds, ` +
      'through the DataProxy (DirectRuntime, the scripted model, the leak detectors on their worker): ' +
      `through one session, then through ${EPISODES / 10} sessions of 10 episodes. ` +
      'RSS of the whole process (engine and load generator) after the detectors ' +
      'caught up and a GC. Then a leak is planted — a 200-word passage of an earlier episode (one session) or of ' +
      'another session (many) as a prior message of a prompt — and must be found.',
    '',
    `| run | RSS at ${CHECKPOINTS.map((c) => c.toLocaleString('en')).join(' / ')} | ` +
      `${CHECKPOINTS[0]} → ${EPISODES} | time | planted leak |`,
    '|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.name === 'one' ? 'one session' : `${EPISODES / 10} sessions`} | ${r.rss.map(mb).join(' / ')} | ` +
        `${(((r.rss.at(-1)! - r.rss[0]!) / r.rss[0]!) * 100).toFixed(1)} % | ${r.seconds.toFixed(0)} s | ${r.leak} |`,
    ),
  ];
  return lines.join('\n');
}
