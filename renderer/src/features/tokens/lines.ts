// How the token view lays tokens out: a line ends after a token holding a newline, or after
// MAX_PER_LINE tokens, so every line is short enough to measure and the list can be virtualized
// (a 100k-token prompt is a few thousand lines, of which a screenful is in the DOM). Two calls
// laid out alike line up row for row over their common prefix.
export const MAX_PER_LINE = 40;

/** [start, end) of each line, over `texts` (each token's text). */
export function tokenLines(texts: readonly string[], max = MAX_PER_LINE): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < texts.length; i++) {
    if (texts[i]!.includes('\n') || i + 1 - start >= max) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < texts.length) out.push([start, texts.length]);
  return out;
}

/** The line holding token `at`. */
export function lineOf(lines: ReadonlyArray<[number, number]>, at: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]![0] <= at) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** A token's text with its whitespace made visible (· space, → tab, ↵ newline). */
export function visible(text: string): string {
  return text.replace(/ /g, '·').replace(/\t/g, '→').replace(/\r?\n/g, '↵');
}

/** Where two id lists first differ (their common length where one is a prefix of the other). */
export function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
