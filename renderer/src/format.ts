// Formatting helpers for views. Everything here returns plain strings: recorded content is only
// ever rendered as text.
import type { HistoryMessage, Turn } from '../../shared/domain.ts';
import { diffLines } from 'diff';
import { promptText } from '../../shared/prompt-text.ts';

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(0)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function reward(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '');
}

export function clock(at: number | null | undefined): string {
  if (!at) return '–';
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19);
}

export function turnDuration(t: Pick<Turn, 'startedAt' | 'endedAt'>): string {
  return t.endedAt ? duration(t.endedAt - t.startedAt) : 'running';
}

/** Parses a JSON string for display; returns null instead of throwing. */
export function tryJson(text: string): unknown | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** JSON for display, indented; text that cannot be indented (not JSON, nested too deeply) as it is. */
export function pretty(value: unknown): string {
  if (typeof value === 'string') {
    const parsed = tryJson(value);
    return parsed === null ? value : (indented(parsed) ?? value);
  }
  return indented(value) ?? String(value);
}

function indented(value: unknown): string | null {
  try {
    return JSON.stringify(value, null, 2) ?? null;
  } catch {
    return null; // nested too deeply to print: the caller shows the text as it came
  }
}

/** One line per message: what the diff view compares between two prompts. */
export { promptText };

export function historyText(history: HistoryMessage[]): string {
  return promptText(history);
}

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * Compares a prompt with the previous one. A clean next turn only appends; anything removed or
 * changed in between (a repeated message, a rewritten one, a new system prompt) is flagged.
 */
export function comparePrompts(previous: string, current: string): { parts: DiffPart[]; pureAppend: boolean } {
  const parts: DiffPart[] = diffLines(previous, current).map((c) => ({
    kind: c.added ? 'added' : c.removed ? 'removed' : 'same',
    text: c.value,
  }));
  let seenChange = false;
  // only a prompt that extends one can be its append: against nothing, nothing is "pure"
  let pureAppend = previous.trim() !== '';
  for (const p of parts) {
    if (p.kind === 'removed') pureAppend = false;
    if (p.kind === 'added') seenChange = true;
    else if (p.kind === 'same' && seenChange && p.text.trim()) pureAppend = false;
  }
  return { parts, pureAppend };
}

/** Plain-text views drop terminal escapes (the log terminal keeps them). */
export { stripAnsi } from '../../shared/text.ts';

/** The curl command that replays a recorded request against the recorder. */
export function curlFor(url: string, headers: Record<string, string>, body: string): string {
  const h = Object.entries(headers)
    .filter(([k]) => ['authorization', 'content-type'].includes(k.toLowerCase()))
    .map(([k, v]) => `-H ${shellQuote(`${k}: ${v}`)}`)
    .join(' ');
  return `curl -sS ${shellQuote(url)} ${h} --data-binary ${shellQuote(body)}`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A CPU share for the process facts ("–" before the first sample). */
export function cpu(percent: number | null | undefined): string {
  return percent === null || percent === undefined ? '–' : `${Math.round(percent)}%`;
}

/** What a diff says, and in which colour: green only for what is as it should be. */
export interface DiffVerdict {
  tone: 'ok' | 'warn' | 'bad' | 'none';
  text: string;
}

/**
 * Within an episode a clean next turn extends the previous prompt (a pure append). Across episodes
 * it is the other way round: a new episode starts afresh, so a prompt that carries an earlier
 * episode's conversation (here compared without the system prompt, which every episode shares) is
 * the history-not-reset leak, and every carried line is shown as leaked, not as unchanged.
 */
export function diffVerdict(
  mode: 'turn' | 'episode' | 'nothing',
  diff: { parts: DiffPart[]; pureAppend: boolean },
  against = '',
): DiffVerdict {
  if (mode === 'nothing') return { tone: 'none', text: 'nothing before it to compare with' };
  if (mode === 'turn')
    return diff.pureAppend ? { tone: 'ok', text: 'pure append' } : { tone: 'warn', text: 'changed: not a pure append' };
  const carried = diff.parts.filter((p) => p.kind === 'same' && p.text.trim()).length;
  if (diff.pureAppend) return { tone: 'bad', text: `history not reset: this prompt extends ${against}` };
  if (carried) return { tone: 'bad', text: `carries ${carried} stretch(es) of ${against}'s conversation` };
  return { tone: 'ok', text: `fresh start: nothing of ${against}'s conversation` };
}
