// Finding an alert's evidence in recorded text: evidence is often normalized (lower case, punctuation
// gone, a role in front), so it is matched word by word with anything but letters and digits between.
const ROLE = /^\[?(?:user|assistant|system|developer|tool|replayed)\b[\]:\s]*/i;
const MAX_WORDS = 80;

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_WORDS);
}

function pattern(words: string[]): RegExp | null {
  if (words.length === 0) return null;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(escaped.join('[^\\p{L}\\p{N}]+'), 'giu');
}

/** Where `evidence` occurs in `text`, as [start, end) ranges (with or without the role it names first). */
export function findEvidence(text: string, evidence: string): Array<[number, number]> {
  for (const candidate of [evidence, evidence.replace(ROLE, '')]) {
    const re = pattern(wordsOf(candidate));
    if (!re) continue;
    const found = [...text.matchAll(re)].map((m) => [m.index, m.index + m[0].length] as [number, number]);
    if (found.length) return found;
  }
  return [];
}

/** Letters and digits only, lower case: a line and an evidence text compared as words. */
export function matchText(text: string): string {
  return wordsOf(text.replace(ROLE, '')).join(' ');
}
