// `npm run bench`: runs each benchmark (or those named on the command line) and prints Markdown
// ready for bench/RESULTS.md.
import { benchEngine } from './engine.ts';
import { benchOpenClaw } from './openclaw.ts';
import { benchUi } from './ui.ts';
import { benchDetectors, benchLeaks } from './leaks.ts';
import { benchGroups } from './groups.ts';
import { benchShared } from './shared.ts';
import { benchStore } from './store.ts';
import { benchAreal } from './areal.ts';
import { benchMemory } from './memory.ts';
import { benchTokens } from './tokens.ts';
import { benchCharts } from './charts.ts';
import { benchPictures } from './pictures.ts';
import { benchHub } from './hub.ts';

const benches: Record<string, () => Promise<string>> = {
  engine: benchEngine,
  openclaw: benchOpenClaw,
  ui: benchUi,
  leaks: benchLeaks,
  detectors: benchDetectors,
  groups: benchGroups,
  shared: benchShared,
  store: benchStore,
  areal: benchAreal,
  memory: benchMemory,
  tokens: benchTokens,
  charts: benchCharts,
  pictures: benchPictures,
  hub: benchHub,
};
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benches);
for (const name of chosen) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}"; choose from ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write((await bench()) + '\n\n');
}
process.exit(0);
