// What a request is made of, in bytes of text: the system prompt, the tools, the replayed history,
// the context the runtime added on its own (OpenClaw's flattened transcript), the message answered
// now, and the runtime's lines around it — each message named by the alerts whose evidence it is, so a
// duplicated or leaked span shows in the alert's colour. Pure data (Composition.tsx draws it).
import { parsePrompt } from '../../../../shared/openclaw/prompt.ts';
import type { ChatMessage } from '../../../../shared/wire/openai.ts';

export type PartKind = 'system' | 'tools' | 'history' | 'runtime context' | 'new message' | 'alert';

export interface Part {
  kind: PartKind;
  bytes: number;
  /** The alerts it is evidence of, or what it is. */
  label: string;
  /** Where it starts, in bytes from the request's first part (for the stacked bar). */
  x1: number;
  x2: number;
}

const size = (text: string) => new TextEncoder().encode(text).length;

export function buildComposition(
  body: { messages?: unknown[]; tools?: unknown[] } | null,
  namesOf: (text: string) => string[],
): Part[] {
  if (!body?.messages) return [];
  const parsed = parsePrompt(body.messages as ChatMessage[]); // recorded as sent: parsePrompt reads what it can
  const raw: Array<Omit<Part, 'x1' | 'x2'>> = [];
  if (parsed.system) raw.push({ kind: 'system', bytes: size(parsed.system), label: 'system prompt' });
  if (body.tools?.length)
    raw.push({ kind: 'tools', bytes: size(JSON.stringify(body.tools)), label: `${body.tools.length} tool schemas` });
  for (const m of parsed.logical) {
    const names = namesOf(m.text);
    const kind: PartKind = names.length
      ? 'alert'
      : m.origin === 'current'
        ? 'new message'
        : m.origin === 'flattened'
          ? 'runtime context'
          : 'history';
    const label = names.length ? `${m.role}: ${names.join(' · ')}` : `${m.role} (${kind})`;
    // neighbours of one kind and label are one part: a bar of hundreds of slivers says nothing
    const last = raw.at(-1);
    if (last && last.kind === kind && last.label === label) last.bytes += size(m.text);
    else raw.push({ kind, bytes: size(m.text), label });
  }
  let at = 0;
  return raw.map((p) => {
    const part = { ...p, x1: at, x2: at + p.bytes };
    at += p.bytes;
    return part;
  });
}
