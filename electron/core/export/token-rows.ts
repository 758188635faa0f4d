// Training data in tokens, in AReaL's tensor-dict shape as lists: `input_ids`, `loss_mask`,
// `logprobs` (0.0 where not generated), `versions` (−1: the policy version is not known here), all of
// one length. `individual`: one row per complete call — its prompt ids, then its generated ids. `concat`:
// consecutive calls of an episode join into one row only where the later prompt starts with the row
// so far (earlier prompt + generated ids), token for token; where it does not, a new row starts and
// says why (`split_reason`). AReaL's own concat takes the parent's loss mask for the first
// `parent_len` positions without comparing the tokens: where the prefix broke, loss landed on tokens
// the model never generated. Here loss is only ever on ids the server said it generated.
import type { UpstreamCallDetail } from '../../../shared/domain.ts';

export const TOKEN_STYLES = ['individual', 'concat'] as const;
export type TokenStyle = (typeof TOKEN_STYLES)[number];

export interface TokenRow {
  /** The calls joined into the row, in order. */
  calls: UpstreamCallDetail[];
  input_ids: number[];
  loss_mask: number[];
  logprobs: number[];
  versions: number[];
  /** False where a generated token's logprob was not recorded (its 0.0 is then not the model's). */
  logprobs_known: boolean;
  /** Why this row did not continue the previous one (concat); null for the first row or `individual`. */
  split_reason: string | null;
}

/** A call's generated ids' logprobs, from vLLM's `logprobs.content[]`; null where not one per id. */
function generatedLogprobs(c: UpstreamCallDetail): number[] | null {
  const ids = c.response?.tokenIds ?? [];
  const entries = c.response?.logprobs;
  if (!Array.isArray(entries)) return null;
  const out = entries.map((e) => (e as { logprob?: unknown }).logprob);
  if (out.length !== ids.length || !out.every((v): v is number => typeof v === 'number' && Number.isFinite(v)))
    return null;
  return out;
}

function hasIds(c: UpstreamCallDetail): boolean {
  return Array.isArray(c.response?.promptTokenIds) && Array.isArray(c.response?.tokenIds);
}

function firstDifference(row: number[], prompt: number[]): number {
  const n = Math.min(row.length, prompt.length);
  let i = 0;
  while (i < n && row[i] === prompt[i]) i++;
  return i;
}

/** Appends `ids` with loss `mask` and `logprobs` (null: 0.0, unknown). */
function push(row: TokenRow, ids: number[], mask: 0 | 1, logprobs: number[] | null): void {
  for (let i = 0; i < ids.length; i++) {
    row.input_ids.push(ids[i]!);
    row.loss_mask.push(mask);
    row.logprobs.push(logprobs?.[i] ?? 0);
    row.versions.push(-1);
  }
}

function startRow(c: UpstreamCallDetail, split: string | null): TokenRow {
  const row: TokenRow = {
    calls: [],
    input_ids: [],
    loss_mask: [],
    logprobs: [],
    versions: [],
    logprobs_known: true,
    split_reason: split,
  };
  push(row, c.response!.promptTokenIds!, 0, null);
  return row;
}

function addGenerated(row: TokenRow, c: UpstreamCallDetail): void {
  const lp = generatedLogprobs(c);
  if (!lp) row.logprobs_known = false;
  push(row, c.response!.tokenIds!, 1, lp);
  row.calls.push(c);
}

/**
 * An episode's complete calls as token rows. Calls without token ids (a server that did not return
 * them) cannot be written in tokens: they are passed to `without` and, in concat, end the row.
 */
export function tokenRows(
  calls: UpstreamCallDetail[],
  style: TokenStyle,
  without: (c: UpstreamCallDetail) => void,
): TokenRow[] {
  const rows: TokenRow[] = [];
  let open: TokenRow | null = null;
  let gap = false;
  for (const c of calls) {
    if (!hasIds(c)) {
      without(c);
      open = null;
      gap = rows.length > 0;
      continue;
    }
    const prompt = c.response!.promptTokenIds!;
    if (style === 'concat' && open) {
      const at = firstDifference(open.input_ids, prompt);
      if (at === open.input_ids.length) {
        push(open, prompt.slice(at), 0, null);
        addGenerated(open, c);
        continue;
      }
      const row: TokenRow = startRow(
        c,
        `the prompt does not start with the previous row (prompt + generated ids): it differs at position ${at}` +
          ` of ${prompt.length}` +
          (at < open.input_ids.length && open.loss_mask[at] === 1 ? ', inside the generated ids' : ''),
      );
      addGenerated(row, c);
      rows.push((open = row));
      continue;
    }
    const row = startRow(c, style === 'concat' && gap ? 'the previous call has no token ids' : null);
    addGenerated(row, c);
    rows.push(row);
    open = style === 'concat' ? row : null;
    gap = false;
  }
  return rows;
}
