// docs/leaks.md's table of alert kinds, written from the detector registry: `npm run docs:detectors`
// rewrites it, and test/unit/core/detector-registry.test.ts fails while the file says otherwise.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DetectorRegistry } from '../electron/core/analysis/registry.ts';

export const LEAKS_DOC = fileURLToPath(new URL('../docs/leaks.md', import.meta.url));
const BEGIN = '<!-- detectors:begin (written by `npm run docs:detectors` from the registry) -->';
const END = '<!-- detectors:end -->';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The table: every kind of every registered detector, in the order they run. */
export function detectorTable(registry = new DetectorRegistry()): string {
  const rows = registry.detectors.flatMap((d) =>
    Object.entries(d.kinds).map(
      ([kind, k]) =>
        `| \`${kind}\` | ${cell(k.label)} | ${k.severity} | ${cell(k.means)} | ${cell(d.how)} | ${cell(k.fix)} |`,
    ),
  );
  return [
    '| kind | shown as | severity | what it means | how it is found | how to fix |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The doc with its table replaced by the registry's. */
export function withTable(doc: string, table = detectorTable()): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/leaks.md lacks the ${BEGIN} … ${END} markers`);
  return `${doc.slice(0, from + BEGIN.length)}\n${table}\n${doc.slice(to)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(LEAKS_DOC, withTable(readFileSync(LEAKS_DOC, 'utf8')));
  console.log(`wrote the detector table into ${LEAKS_DOC}`);
}
