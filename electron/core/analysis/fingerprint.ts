// Text fingerprints for leak detection: normalized word shingles, hashed. Normalization removes
// what OpenClaw changes every turn (timestamps, the Runtime line, ids), so the same content gives
// the same shingles in every prompt it reaches.

export const SHINGLE_WORDS = 5;
const MIN_SHORT_CHARS = 12;

export function normalizeForMatch(text: string): string {
  return text
    .replace(/\[[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})? [A-Z+\-0-9:]+\]/g, ' ')
    .replace(/^Runtime: agent=.*$/gm, ' ')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, ' ')
    .replace(/\b(?:call|chatcmpl|resp|msg)[_-]?[A-Za-z0-9]{6,}\b/g, ' ')
    .replace(/\bsk-sess-[A-Za-z0-9_-]+/g, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** The shingles of a text: hash → the words it stands for (built lazily, for evidence). */
export class Shingles {
  readonly words: string[];
  readonly starts = new Map<number, number>();
  /** Short texts are one shingle of all their words. */
  private short = false;

  constructor(text: string) {
    this.words = normalizeForMatch(text).split(' ').filter(Boolean);
    const w = this.words;
    if (w.length === 0) return;
    if (w.length < SHINGLE_WORDS) {
      const whole = w.join(' ');
      if (whole.length >= MIN_SHORT_CHARS) this.starts.set(fnv(0x811c9dc5, whole) >>> 0, 0);
      this.short = true;
      return;
    }
    for (let i = 0; i + SHINGLE_WORDS <= w.length; i++) {
      let h = 0x811c9dc5;
      for (let j = i; j < i + SHINGLE_WORDS; j++) h = fnv(j === i ? h : fnv(h, ' '), w[j]!);
      this.starts.set(h >>> 0, i);
    }
  }

  text(hash: number): string {
    const i = this.starts.get(hash);
    if (i === undefined) return '';
    return this.short ? this.words.join(' ') : this.words.slice(i, i + SHINGLE_WORDS).join(' ');
  }

  /** Joins the matched shingles' word ranges into readable spans. */
  spans(hashes: number[]): string[] {
    if (this.short) return hashes.length ? [this.words.join(' ')] : [];
    const ranges = hashes
      .map((h) => this.starts.get(h)!)
      .filter((i) => i !== undefined)
      .sort((a, b) => a - b);
    const out: Array<[number, number]> = [];
    for (const i of ranges) {
      const last = out[out.length - 1];
      if (last && i <= last[1]) last[1] = Math.max(last[1], i + SHINGLE_WORDS);
      else out.push([i, i + SHINGLE_WORDS]);
    }
    return out.map(([a, b]) => this.words.slice(a, b).join(' '));
  }
}
