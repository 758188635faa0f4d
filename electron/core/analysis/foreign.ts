// Content in a prompt that nothing on this engine explains: not what the DataProxy replayed, not
// the episode's or the session's own (its earlier episodes, its static system prompt), and said in
// no other session here. On an engine alone that is not a finding (a tool's output, a file the
// agent read); on a cluster it may be another host's session's content, which only a hub can see:
// the engine keeps the newest of these in a bounded log (`analysis:foreign`) for its hub to check.
import type { ForeignContent } from '../../../shared/hosts.ts';
import type { CallContext } from './call-context.ts';
import { WORKBENCH_REALM } from './content-index.ts';
import { SHINGLE_WORDS, type Shingles } from './fingerprint.ts';

const MAX_HASHES = 1024;
const MAX_SPAN_CHARS = 4096;
/** Entries kept (the oldest go first): ≈ 12 KB each at most. */
const MAX_ENTRIES = 1000;

export type ForeignFound = Omit<ForeignContent, 'seq'>;

/** The call's unexplained content, or null when everything in its prompt is explained here. */
export function foreignOf(c: CallContext, at = Date.now()): ForeignFound | null {
  // an import is a copy of sessions from elsewhere: its content is explained by where it came from
  const realm = c.memory.realmOf(c.call.sessionKey);
  if (realm !== WORKBENCH_REALM) return null;
  const index = c.memory.contentIndex();
  const parts: ForeignFound['parts'] = [];
  let [hashes, chars] = [0, 0];
  for (const s of [c.system, ...c.unexplained]) {
    const mine = [...s.starts.keys()].filter(
      (h) =>
        !c.own.has(h) && !c.prints.baseline?.has(h) && c.prints.ownerOf(h) === undefined && !index.sourceOf(h, realm),
    );
    for (const part of runs(s, mine)) {
      if (hashes >= MAX_HASHES || chars >= MAX_SPAN_CHARS) break;
      const kept = part.hashes.slice(0, MAX_HASHES - hashes);
      parts.push({ text: part.text.slice(0, MAX_SPAN_CHARS - chars), hashes: kept });
      hashes += kept.length;
      chars += part.text.length;
    }
  }
  if (!parts.length) return null;
  const { id: callId, sessionKey, episodeId, turnId } = c.call;
  return { callId, sessionKey, episodeId, turnId, at, parts };
}

/** Shingles that overlap joined into runs of text, each with the hashes it is made of. */
function runs(s: Shingles, hashes: number[]): Array<{ text: string; hashes: number[] }> {
  const out: Array<{ text: string; hashes: number[] }> = [];
  let run: { hashes: number[] } | null = null;
  const flush = () => run && out.push({ text: s.spans(run.hashes).join(' … '), hashes: run.hashes });
  const sorted = hashes.map((h) => [h, s.starts.get(h)!] as const).sort((a, b) => a[1] - b[1]);
  let end = -1;
  for (const [h, start] of sorted) {
    if (!run || start > end) {
      flush();
      run = { hashes: [] };
    }
    run.hashes.push(h);
    end = Math.max(end, start + SHINGLE_WORDS);
  }
  flush();
  return out;
}

/** The newest entries, each with its place; read after a place. */
export class ForeignLog {
  readonly #entries: ForeignContent[] = [];
  #seq = 0;

  add(f: ForeignFound): void {
    this.#entries.push({ ...f, seq: ++this.#seq });
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
  }

  /** Entries after `after`, oldest first, at most `limit`; `last` is where the next read starts. */
  since(after: number, limit: number): { items: ForeignContent[]; last: number } {
    const items = this.#entries.filter((e) => e.seq > after).slice(0, limit);
    return { items, last: items.length ? items[items.length - 1]!.seq : Math.max(after, 0) };
  }
}
