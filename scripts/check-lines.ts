// `npm run lint` part two: no line over 120 characters in the project's own sources, and no file
// over 300 lines unless its header says why ("Over 300 lines:" in the first comment lines).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const MAX_LINE = 120;
const MAX_FILE = 300;
const SOURCE = /\.(ts|tsx|js|mjs|cjs|css|html|yml)$/;

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => SOURCE.test(f) && !f.startsWith('test/fixtures/') && existsSync(f));
const problems: string[] = [];
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.length > MAX_LINE) problems.push(`${file}:${i + 1}: ${line.length} characters (max ${MAX_LINE})`);
  });
  if (lines.length > MAX_FILE && !lines.slice(0, 8).some((l) => l.includes('Over 300 lines:'))) {
    problems.push(`${file}: ${lines.length} lines; split it, or say why at its top ("Over 300 lines: …")`);
  }
}
if (problems.length) {
  process.stderr.write(problems.join('\n') + '\n');
  process.exit(1);
}
