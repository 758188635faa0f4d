// Two prompts compared as logical messages, and what the comparison says. Within an episode a
// clean next turn extends the previous prompt (a pure append) and adds no message a second time;
// across episodes a new episode starts afresh, so whatever it carries of the earlier episode's
// conversation is the history-not-reset leak. Green is only ever the colour of what is fine.
import { diffLines } from 'diff';
import type { AlertKind } from '../../shared/domain.ts';

export interface DiffPart {
  /** repeated: an added message the prompt already held (what a double feed looks like). */
  kind: 'same' | 'added' | 'removed' | 'repeated';
  text: string;
  /** The alert(s) this span is evidence of: it is marked in their colour and named. */
  name?: string;
}

export interface PromptDiff {
  parts: DiffPart[];
  /** The later prompt starts with the whole earlier one (nothing removed, nothing inserted). */
  pureAppend: boolean;
  /** Added messages that were already in the prompt. */
  repeats: number;
}

// a line that opens a message in promptText's rendering: "[role] …" or "[tool call_id] …"
const MESSAGE_START = /^\[(system|developer|user|assistant|tool)[\] ]/;

function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Marks added messages whose text the prompt already held, earlier, as repeated. */
function markRepeats(parts: DiffPart[]): { parts: DiffPart[]; repeats: number } {
  const out: DiffPart[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  let message: DiffPart[] = [];
  const flush = () => {
    if (message.length === 0) return;
    const text = message.map((l) => l.text.trimEnd()).join('\n');
    const repeated = seen.has(text) && message.every((l) => l.kind === 'added');
    if (repeated) repeats++;
    seen.add(text);
    for (const l of message) out.push(repeated ? { kind: 'repeated', text: l.text } : l);
    message = [];
  };
  for (const p of parts) {
    for (const text of lines(p.text)) {
      if (p.kind === 'removed') {
        flush(); // a removed line is not part of the later prompt: it ends the message before it
        out.push({ kind: 'removed', text });
        continue;
      }
      if (MESSAGE_START.test(text)) flush();
      message.push({ kind: p.kind, text });
    }
  }
  flush();
  // adjacent lines of one kind become one part again
  const merged: DiffPart[] = [];
  for (const l of out) {
    const last = merged.at(-1);
    if (last && last.kind === l.kind) last.text += l.text;
    else merged.push({ ...l });
  }
  return { parts: merged, repeats };
}

/** Compares a prompt with an earlier one, line by line. */
export function comparePrompts(previous: string, current: string): PromptDiff {
  const raw: DiffPart[] = diffLines(previous, current).map((c) => ({
    kind: c.added ? 'added' : c.removed ? 'removed' : 'same',
    text: c.value,
  }));
  let seenChange = false;
  // only a prompt that extends one can be its append: against nothing, nothing is "pure"
  let pureAppend = previous.trim() !== '';
  for (const p of raw) {
    if (p.kind === 'removed') pureAppend = false;
    if (p.kind === 'added') seenChange = true;
    else if (p.kind === 'same' && seenChange && p.text.trim()) pureAppend = false;
  }
  return { ...markRepeats(raw), pureAppend };
}

/** What a diff says, and in which colour: green only for what is as it should be. */
export interface DiffVerdict {
  tone: 'ok' | 'warn' | 'bad' | 'none';
  text: string;
}

export type DiffMode = 'turn' | 'episode' | 'nothing';

/** The alert that names what a leaked (episode) or repeated (turn) span is, if one was raised. */
export function spanAlert(mode: DiffMode, alerts: readonly AlertKind[]): AlertKind | null {
  const named: AlertKind[] = mode === 'episode' ? ['history_not_reset', 'cross_episode'] : ['double_feed'];
  return named.find((k) => alerts.includes(k)) ?? null;
}

/**
 * The verdict of a comparison. `alerts` are the kinds raised on the later turn: they name what
 * the diff shows; a diff that shows a leak no detector raised says so too.
 */
export function diffVerdict(
  mode: DiffMode,
  diff: PromptDiff,
  against = '',
  alerts: readonly AlertKind[] = [],
  labelOf: (kind: AlertKind) => string = (k) => k.replaceAll('_', ' '),
): DiffVerdict {
  if (mode === 'nothing') return { tone: 'none', text: 'nothing before it to compare with' };
  const alert = spanAlert(mode, alerts);
  const name = alert ? `${labelOf(alert)}: ` : '';
  if (mode === 'turn') {
    if (diff.repeats)
      return {
        tone: alert ? 'bad' : 'warn',
        text: `${name}adds ${diff.repeats} message(s) the prompt already held${alert ? '' : ' (no alert raised)'}`,
      };
    return diff.pureAppend ? { tone: 'ok', text: 'pure append' } : { tone: 'warn', text: 'changed: not a pure append' };
  }
  const carried = diff.parts.filter((p) => p.kind === 'same' && p.text.trim()).length;
  if (diff.pureAppend) return { tone: 'bad', text: `history not reset: this prompt extends ${against}` };
  if (carried) return { tone: 'bad', text: `${name}carries ${carried} stretch(es) of ${against}'s conversation` };
  return { tone: 'ok', text: `fresh start: nothing of ${against}'s conversation` };
}
