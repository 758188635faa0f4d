// Formatting helpers for views. Everything here returns plain strings: recorded content is only
// ever rendered as text.
import type { HistoryMessage, Turn } from '../../shared/domain.ts';
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

/** Plain-text views drop terminal escapes (the log terminal keeps them). */
export { plainText } from '../../shared/terminal.ts';

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

/** "1 call", "2 calls": a count with its noun in the right number (`many` for irregular plurals). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The modifier key as this platform names it: ⌘ on Apple's, Ctrl elsewhere. */
export function modKey(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): string {
  return /Mac|iPhone|iPad/.test(platform) ? '⌘' : 'Ctrl+';
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie']);

/** A header's value fit to show: a credential keeps its scheme and first 8 characters only. */
export function redactHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase()) || value.includes('[redacted')) return value; // the engine masked it
  const [, scheme = '', secret = value] = /^(\w+\s+)?(.*)$/s.exec(value) ?? [];
  return `${scheme}${secret.slice(0, 8)}… (${secret.length} characters, redacted)`;
}
