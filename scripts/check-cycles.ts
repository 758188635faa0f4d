// `npm run lint` part three: no import cycle among the project's own modules, type-only imports
// included (a cycle of types still ties two files into one unit nobody can read or move alone).
// Reads `import … from './x.ts'` and `export … from './x.ts'` as text; test/ and bench/ are left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = /\.tsx?$/;
const IMPORT = /^(?:import|export)\s[^'"]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return SOURCE.test(e.name) ? [path] : [];
  });
}

/** Every cycle (as one strongly connected set of files, each with its edges inside the set). */
export function findCycles(root: string, dirs: readonly string[]): string[][] {
  const files = new Set(dirs.flatMap((d) => sources(join(root, d))).map((f) => normalize(f)));
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const to = [...readFileSync(f, 'utf8').matchAll(IMPORT)].map((m) => normalize(join(dirname(f), m[1]!)));
    edges.set(
      f,
      to.filter((t) => files.has(t)),
    );
  }
  // Tarjan's strongly connected components, iterative enough for a few thousand files
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.map((f) => relative(root, f)).sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cycles = findCycles(process.cwd(), ['electron', 'shared', 'renderer/src', 'scripts']);
  if (cycles.length) {
    const said = cycles.map((c) => `import cycle among ${c.length} files:\n  ${c.join('\n  ')}`);
    process.stderr.write(`${said.join('\n')}\nmove what they share into a file none of them imports back\n`);
    process.exit(1);
  }
}
