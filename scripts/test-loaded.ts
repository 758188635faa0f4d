// `npm run test:loaded`: the whole node suite with every core kept busy beside it — two spinning
// processes per core, started here and stopped here whatever happens — as on a machine that also
// runs a training job. It prints the duration and the slowest tests, so a run can be compared.
// Run it after `npm run build` (the end-to-end tests load the built renderer).
import { availableParallelism } from 'node:os';
import { execa, type ResultPromise } from 'execa';

const PER_CORE = 2;
const SLOWEST = 10;

const spinners: ResultPromise[] = [];
const stop = () => {
  for (const s of spinners) s.kill('SIGKILL');
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

const cores = availableParallelism();
for (let i = 0; i < cores * PER_CORE; i++)
  spinners.push(execa(process.execPath, ['-e', 'for (;;) {}'], { reject: false, stdio: 'ignore' }));
process.stderr.write(`test:loaded: ${spinners.length} busy processes beside the suite on ${cores} cores\n`);

const started = Date.now();
const durations: Array<{ name: string; ms: number }> = [];
let code = 1;
try {
  const run = execa(
    process.execPath,
    [
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/durations-reporter.ts',
      '--test-reporter-destination=stderr',
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/e2e/**/*.test.ts',
    ],
    { reject: false, stdout: 'inherit', stderr: 'pipe', env: { CI: process.env.CI ?? 'true' } },
  );
  run.stderr!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const m = /^DURATION\t(\d+(?:\.\d+)?)\t(.*)$/.exec(line);
      if (m) durations.push({ ms: Number(m[1]), name: m[2]! });
      else if (line) process.stderr.write(`${line}\n`);
    }
  });
  code = (await run).exitCode ?? 1;
} finally {
  stop();
}
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
process.stdout.write(
  `\ntest:loaded: ${code === 0 ? 'passed' : 'FAILED'} in ${minutes} min beside ${spinners.length} busy processes\n`,
);
process.stdout.write(`slowest tests:\n`);
for (const d of durations.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST))
  process.stdout.write(`  ${(d.ms / 1000).toFixed(1).padStart(7)} s  ${d.name}\n`);
process.exit(code);
