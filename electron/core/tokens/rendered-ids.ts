// A rendered prompt's token ids, encoded a piece at a time so the next call of an episode re-encodes
// only what changed. A tokenizer splits its special tokens out of the text before anything else, so
// the text between two of them encodes alone to the same ids as inside the whole: a later prompt
// that starts with the same text up to a special token reuses the earlier ids up to there (measured
// on OpenClaw's 100 KB prompts: the re-encoded tail is the last turn, not the history).
import type { ChatTokenizer } from './chat-tokenizer.ts';

export interface RenderedIds {
  text: string;
  ids: Int32Array;
  /** After each special token: [characters of text, ids] up to and including it. */
  cuts: Array<[number, number]>;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** `text`'s ids, reusing `prior`'s up to the last special token both texts share. */
export function encodeRendered(tok: ChatTokenizer, text: string, prior: RenderedIds | null = null): RenderedIds {
  const parts: Array<ArrayLike<number>> = [];
  let count = 0;
  const add = (p: ArrayLike<number>) => {
    parts.push(p);
    count += p.length;
  };
  const cuts: Array<[number, number]> = [];
  let from = 0;
  if (prior) {
    const same = commonPrefix(text, prior.text);
    let k = -1;
    while (k + 1 < prior.cuts.length && prior.cuts[k + 1]![0] <= same) k++;
    if (k >= 0) {
      const [chars, reused] = prior.cuts[k]!;
      add(prior.ids.subarray(0, reused));
      cuts.push(...prior.cuts.slice(0, k + 1));
      from = chars;
    }
  }
  const special = tok.specialPattern();
  special.lastIndex = from;
  for (let m = special.exec(text); m; m = special.exec(text)) {
    if (m.index > from) add(tok.encode(text.slice(from, m.index)));
    add(tok.encode(m[0]));
    from = m.index + m[0].length;
    cuts.push([from, count]);
  }
  if (from < text.length) add(tok.encode(text.slice(from)));
  const ids = new Int32Array(count);
  let at = 0;
  for (const p of parts) {
    ids.set(p, at);
    at += p.length;
  }
  return { text, ids, cuts };
}
