// The per-gateway launcher: a tiny Node program between the engine and one gateway. It runs the
// gateway in a process group of its own and takes that group — and anything that left it but still
// carries the gateway's marker in its environment — down when the engine goes away by any means
// (its stdin, a pipe from the engine, closes: even SIGKILL of the engine closes it) or asks
// (SIGTERM). SIGTERM first, SIGKILL 3 s later, so every gateway process is gone within 5 s of the
// engine's death. Written as a file into the gateways dir (plain JavaScript, no imports beyond
// Node's own) so that it runs with whatever Node runs the gateways, packaged app included.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment entry that names the launcher's gateway (it is also in every gateway process). */
export const MARKER_ENV = 'TRAJSCOPE_GATEWAY_MARKER';

const SOURCE = `// Trajscope gateway launcher (written by the engine; see electron/core/gateways/launcher.ts).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const [command, ...args] = process.argv.slice(2);
const marker = process.env.${MARKER_ENV} ?? '';
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
let down = false;

function stragglers() {
  if (!marker) return [];
  const needle = Buffer.from('\\0' + marker + '\\0');
  const out = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const env = Buffer.concat([Buffer.from([0]), readFileSync('/proc/' + pid + '/environ'), Buffer.from([0])]);
      if (env.includes(needle)) out.push(pid);
    } catch {}
  }
  return out;
}

function signalAll(signal) {
  try { process.kill(-child.pid, signal); } catch {}
  for (const pid of stragglers()) try { process.kill(pid, signal); } catch {}
}

function teardown() {
  if (down) return;
  down = true;
  signalAll('SIGTERM');
  setTimeout(() => { signalAll('SIGKILL'); process.exit(137); }, 3000);
}

process.stdin.on('end', teardown);
process.stdin.on('close', teardown);
process.stdin.on('error', teardown);
process.stdin.resume();
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, teardown);
child.on('error', (err) => { process.stderr.write('launcher: ' + err.message + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => {
  // whatever the gateway left behind (children, a broker in a group of its own) goes with it
  signalAll('SIGKILL');
  process.exit(code ?? (signal === 'SIGKILL' ? 137 : 143));
});
`;

/** Writes the launcher into `dir` (0600) and returns its path. */
export function writeLauncher(dir: string): string {
  const path = join(dir, 'launcher.mjs');
  writeFileSync(path, SOURCE, { mode: 0o600 });
  return path;
}
