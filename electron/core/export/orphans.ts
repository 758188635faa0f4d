// Retry orphans (AReaL #1498): a client that times out and retries leaves two recorded calls with
// the same request; the one the agent did not go on from dangles and splits the trajectory. Among
// calls with deep-equal messages, a call a later call continued from (its messages extend this
// call's messages and its reply) is the consumed one and its childless siblings are orphans; when
// none has a child, the newest is kept (the retry the agent most likely used).
import type { UpstreamCallDetail } from '../../../shared/domain.ts';

interface Parsed {
  id: string;
  messages: unknown[];
  reply: string;
  key: string;
}

function parse(c: UpstreamCallDetail): Parsed | null {
  try {
    const messages = (JSON.parse(c.requestBody) as { messages?: unknown }).messages;
    if (!Array.isArray(messages)) return null;
    return { id: c.id, messages, reply: c.response?.text ?? '', key: JSON.stringify(messages) };
  } catch {
    return null;
  }
}

/** Whether `later` continued from `earlier`: it starts with earlier's messages, then earlier's reply. */
function continues(later: Parsed, earlier: Parsed): boolean {
  if (later.messages.length <= earlier.messages.length) return false;
  if (JSON.stringify(later.messages.slice(0, earlier.messages.length)) !== earlier.key) return false;
  const next = later.messages[earlier.messages.length] as { role?: string; content?: unknown } | undefined;
  if (next?.role !== 'assistant') return false;
  const text = typeof next.content === 'string' ? next.content : '';
  return text.trim() === earlier.reply.trim() || (text === '' && earlier.reply === '');
}

/** The ids of the retry orphans among an episode's calls (in recording order). */
export function retryOrphans(calls: UpstreamCallDetail[]): Set<string> {
  const parsed = calls.map(parse).filter((p): p is Parsed => p !== null);
  const groups = new Map<string, Parsed[]>();
  for (const p of parsed) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  const orphans = new Set<string>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    // a later call went on from one copy: the newest copy before it that it fits (copies with the
    // same reply cannot be told apart, and the agent used the answer it got last)
    const consumed = new Set<Parsed>();
    for (const [i, later] of parsed.entries()) {
      const parent = group.filter((g) => parsed.indexOf(g) < i && continues(later, g)).at(-1);
      if (parent) consumed.add(parent);
    }
    const kept = consumed.size > 0 ? consumed : new Set([group.at(-1)!]); // none decides: the newest stays
    for (const g of group) if (!kept.has(g)) orphans.add(g.id);
  }
  return orphans;
}
