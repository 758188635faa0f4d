// What AReaL users see: AReaL-shaped load — C concurrent sessions of 10 sequential turns, each turn
// the body AReaL's Gateway sends (`message`, `run_id`, `queue_mode`, `metadata`), then close —
// against Trajscope's DataProxy (every turn stored and recorded before it is answered) and, in the
// same run, against a trivial one-hop Node server (the physical limit: history in memory, one
// forward to the same scripted model). Turns/s, p50/p99, and CPU per turn of each server process.
// With TRAJSCOPE_BENCH_AREAL=<a checkout of areal-project/AReaL> (and its Python deps: fastapi,
// uvicorn, httpx; TRAJSCOPE_BENCH_PYTHON picks the interpreter) AReaL's own v2 DataProxy and Worker
// with an echo agent run the same load in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { Store } from '../electron/core/store/store.ts';
import { fmt, summarize, table } from './stats.ts';

const TURNS = 10;
/** `TRAJSCOPE_BENCH_SCALE=0.1` for a quick look. */
const SCALE = Number(process.env.TRAJSCOPE_BENCH_SCALE ?? 1);
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

interface Host {
  kind: 'engine' | 'reference' | 'areal';
  /** The server's processes (AReaL's are two: DataProxy and Worker). */
  children: ChildProcess[];
  proxy: string;
  adminKey: string;
}

const LABELS: Record<Host['kind'], string> = {
  engine: 'Trajscope DataProxy',
  reference: 'one-hop Node reference',
  areal: "AReaL's DataProxy + Worker",
};

async function startHost(kind: 'engine' | 'reference', dataDir: string): Promise<Host> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'areal-host.ts'), kind, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(child.stdout!, 'data');
  return { kind, children: [child], ...(JSON.parse(String(line)) as { proxy: string; adminKey: string }) };
}

/** AReaL's v2 agent service as its README starts it: a Worker with an echo agent, a DataProxy before it. */
async function startAreal(checkout: string, dir: string): Promise<Host> {
  writeFileSync(
    join(dir, 'benchagent.py'),
    [
      'from areal.v2.agent_service.types import AgentResponse',
      'class EchoAgent:',
      '    async def run(self, request, *, emitter):',
      '        text = f\'You said: "{request.message}".\'',
      '        await emitter.emit_delta(text)',
      '        return AgentResponse(summary=text)',
      '',
    ].join('\n'),
  );
  const python = process.env.TRAJSCOPE_BENCH_PYTHON ?? 'python3';
  const env = { ...process.env, PYTHONPATH: `${dir}:${checkout}` };
  const port = 29_000 + Math.floor(Math.random() * 1000);
  const py = (args: string[]) => spawn(python, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const worker = py([
    '-m',
    'areal.v2.agent_service.worker',
    '--agent',
    'benchagent.EchoAgent',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
  ]);
  const proxyArgs = ['--worker-addr', `http://127.0.0.1:${port}`, '--host', '127.0.0.1', '--port', String(port + 1)];
  const dp = py(['-m', 'areal.v2.agent_service.data_proxy', ...proxyArgs]);
  const host: Host = { kind: 'areal', children: [dp, worker], proxy: `http://127.0.0.1:${port + 1}`, adminKey: 'none' };
  for (let i = 0; i < 100; i++) {
    const up = await post(host, '/session/probe/close', {}).then(
      () => true,
      () => false,
    );
    if (up) return host;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const c of host.children) c.kill('SIGKILL');
  throw new Error(`AReaL's DataProxy did not start from ${checkout} with ${python}`);
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
}

async function post(h: Host, path: string, body: unknown): Promise<void> {
  const res = await request(`${h.proxy}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${h.kind} ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
}

/** `sessions` sessions over `concurrency` workers; each session 10 turns in a row, then closed. */
async function run(h: Host, concurrency: number, sessions: number) {
  const lat: number[] = [];
  let next = 0;
  const cpu = () => h.children.reduce((n, c) => n + cpuSeconds(c.pid!), 0);
  const cpu0 = cpu();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sessions) {
        next++;
        const key = `areal-${randomUUID().slice(0, 12)}`;
        for (let t = 0; t < TURNS; t++) {
          const body = {
            message: `step ${t}: what next?`,
            run_id: `run-${randomUUID().slice(0, 12)}`,
            queue_mode: 'collect',
            metadata: {},
          };
          const s = performance.now();
          await post(h, `/session/${key}/turn`, body);
          lat.push(performance.now() - s);
        }
        await post(h, `/session/${key}/close`, {});
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { lat, seconds, cpu: cpu() - cpu0 };
}

export async function benchAreal(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trajscope-bench-areal-'));
  const hosts: Host[] = [];
  try {
    const engine = await startHost('engine', dir);
    hosts.push(engine);
    const reference = await startHost('reference', dir);
    hosts.push(reference);
    if (process.env.TRAJSCOPE_BENCH_AREAL) hosts.push(await startAreal(process.env.TRAJSCOPE_BENCH_AREAL, dir));
    for (const h of hosts) await run(h, 8, 40); // warm both
    let sent = 400;
    const rows: Array<Array<string | number>> = [];
    // four rounds, the servers' order rotating, so a slow spell of this (noisy, shared) machine is
    // spread over every server alike
    const ROUNDS = 4;
    for (const [c, sessions] of [
      [1, 40],
      [16, 480],
      [64, 768],
    ] as const) {
      const acc = new Map(hosts.map((h) => [h.kind, { lat: [] as number[], seconds: 0, cpu: 0 }]));
      for (let round = 0; round < ROUNDS; round++)
        for (const h of [...hosts.slice(round % hosts.length), ...hosts.slice(0, round % hosts.length)]) {
          const r = await run(h, c, Math.max(c, Math.round((sessions * SCALE) / ROUNDS)));
          const a = acc.get(h.kind)!;
          a.lat.push(...r.lat);
          a.seconds += r.seconds;
          a.cpu += r.cpu;
          if (h.kind === 'engine') sent += r.lat.length;
        }
      const ref = acc.get('reference')!;
      const areal = acc.get('areal');
      for (const h of hosts) {
        const a = acc.get(h.kind)!;
        const s = summarize(a.lat);
        rows.push([
          c,
          LABELS[h.kind],
          a.lat.length,
          fmt(a.lat.length / a.seconds, 0),
          fmt(s.p50),
          fmt(s.p99),
          fmt((a.cpu * 1000) / a.lat.length),
          fmt(a.lat.length / a.seconds / (ref.lat.length / ref.seconds), 2),
          areal ? fmt(a.lat.length / a.seconds / (areal.lat.length / areal.seconds), 2) : '',
        ]);
      }
    }
    for (const c of hosts.flatMap((h) => h.children)) {
      c.kill('SIGTERM');
      await once(c, 'exit');
    }
    const store = new Store(dir);
    const stored = store.turns.count({ status: 'ok' });
    store.close();
    const today = new Date().toISOString().slice(0, 10);
    return [
      `## AReaL-shaped load (\`npm run bench -- areal\`, measured ${today})`,
      '',
      'C concurrent sessions of 10 sequential turns with the body AReaL’s Gateway sends, then close. ' +
        'Every server runs in child processes, the load generator in the parent, the servers taking turns. ' +
        'Trajscope and the reference answer from the scripted model in their process; AReaL’s DataProxy ' +
        'forwards to its Worker running an echo agent (uvicorn as the Python found has it). CPU per turn is ' +
        'the server processes’ user + system time.',
      '',
      table(['C', 'server', 'turns', 'turns/s', 'p50 ms', 'p99 ms', 'CPU ms/turn', 'vs reference', 'vs AReaL'], rows),
      '',
      `Turns stored as ok by Trajscope: ${stored} of ${sent} sent (every acknowledged turn is durable).`,
    ].join('\n');
  } finally {
    for (const c of hosts.flatMap((h) => h.children)) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
