// Reads an upstream chat request the way OpenClaw shapes it: client history flattened into one
// user message ("Chat messages since your last reply"), a per-turn timestamp and Runtime line,
// stored-transcript messages replayed as real messages, and a trailing internal-context message.
import { messageText, type ChatMessage } from '../wire/openai.ts';

export type LogicalRole = 'user' | 'assistant' | 'tool' | 'system';

/** One message as the model would understand it, wherever in the request it was carried. */
export interface LogicalMessage {
  role: LogicalRole;
  text: string;
  /** message: a real chat message; flattened: a line of a flattened history block; current: the message to answer. */
  origin: 'message' | 'flattened' | 'current';
  messageIndex: number;
  /** An assistant message's own text, without its tool calls (`text` holds both). */
  content?: string;
}

export interface ParsedPrompt {
  system: string;
  logical: LogicalMessage[];
  /** The message the model is asked to answer now. */
  current: LogicalMessage | null;
  /** Tool results that arrived after the current message (the agent's tool loop within a turn). */
  toolResultsSinceCurrent: string[];
  runtimeLines: string[];
}

const TIMESTAMP = /^\[[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})? [A-Z+\-0-9:]+\]\s*/;
const CONTEXT_HEADER = '[Chat messages since your last reply - for context]';
const CURRENT_HEADER = '[Current message - respond to this]';
const INTERNAL_CONTEXT = '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>';
const SPEAKER = /^(User|Assistant|System|Tool(?::[^:\s]*)?): ?(.*)$/;

/** Removes the per-turn parts OpenClaw adds, so equal messages compare equal across turns. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function isInternalContext(text: string): boolean {
  return text.includes(INTERNAL_CONTEXT);
}

function stripRuntime(text: string, runtimeLines: string[]): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^Runtime: agent=/.test(line)) runtimeLines.push(line);
    else kept.push(line);
  }
  return kept.join('\n');
}

function roleOf(speaker: string): LogicalRole {
  if (speaker === 'User') return 'user';
  if (speaker === 'Assistant') return 'assistant';
  if (speaker === 'System') return 'system';
  return 'tool';
}

/** Splits a "User: … / Assistant: …" block into messages; unprefixed lines continue the previous one. */
function parseSpeakerBlock(block: string): Array<{ role: LogicalRole; text: string }> {
  const out: Array<{ role: LogicalRole; text: string }> = [];
  for (const line of block.split('\n')) {
    const m = SPEAKER.exec(line);
    if (m) out.push({ role: roleOf(m[1] ?? 'User'), text: m[2] ?? '' });
    else if (out.length > 0) out[out.length - 1]!.text += '\n' + line;
    else if (line.trim()) out.push({ role: 'user', text: line });
  }
  return out.map((m) => ({ role: m.role, text: m.text.trim() }));
}

/** Parses one user message's text into its flattened history and its current message. */
export function parseUserText(
  raw: string,
  runtimeLines: string[] = [],
): {
  context: Array<{ role: LogicalRole; text: string }>;
  current: { role: LogicalRole; text: string };
} {
  const text = stripRuntime(raw.replace(TIMESTAMP, ''), runtimeLines);
  const ctxAt = text.indexOf(CONTEXT_HEADER);
  const curAt = text.indexOf(CURRENT_HEADER);
  if (ctxAt === -1 || curAt === -1 || curAt < ctxAt) {
    return { context: [], current: { role: 'user', text: text.trim() } };
  }
  const context = parseSpeakerBlock(text.slice(ctxAt + CONTEXT_HEADER.length, curAt));
  const currentBlock = parseSpeakerBlock(text.slice(curAt + CURRENT_HEADER.length));
  const current =
    currentBlock.length > 0
      ? {
          role: currentBlock[0]!.role,
          text: currentBlock
            .map((m) => m.text)
            .join('\n')
            .trim(),
        }
      : { role: 'user' as LogicalRole, text: '' };
  return { context, current };
}

/** Parses a chat request's messages into logical messages and finds the message to answer. */
export function parsePrompt(messages: ChatMessage[]): ParsedPrompt {
  const runtimeLines: string[] = [];
  const logical: LogicalMessage[] = [];
  const system: string[] = [];
  let currentUserIndex = -1;
  messages.forEach((msg, i) => {
    if (msg.role === 'user' && !isInternalContext(messageText(msg.content))) currentUserIndex = i;
  });

  let current: LogicalMessage | null = null;
  const toolResultsSinceCurrent: string[] = [];
  messages.forEach((msg, i) => {
    const text = messageText(msg.content);
    if (msg.role === 'system' || msg.role === 'developer') {
      system.push(text);
      return;
    }
    if (msg.role === 'user') {
      if (isInternalContext(text)) return;
      const parsed = parseUserText(text, runtimeLines);
      for (const c of parsed.context) logical.push({ ...c, origin: 'flattened', messageIndex: i });
      const entry: LogicalMessage = {
        ...parsed.current,
        origin: i === currentUserIndex ? 'current' : 'message',
        messageIndex: i,
      };
      logical.push(entry);
      if (i === currentUserIndex) current = entry;
      return;
    }
    if (msg.role === 'tool') {
      logical.push({ role: 'tool', text, origin: 'message', messageIndex: i });
      if (currentUserIndex !== -1 && i > currentUserIndex) toolResultsSinceCurrent.push(text);
      return;
    }
    if (msg.role === 'assistant') {
      const calls = (msg.tool_calls ?? []).map(
        (c) => `tool_call name=${c.function.name} arguments=${c.function.arguments}`,
      );
      const body = [text, ...calls].filter(Boolean).join('\n');
      logical.push({ role: 'assistant', text: body, origin: 'message', messageIndex: i, content: text });
    }
  });
  return { system: system.join('\n\n'), logical, current, toolResultsSinceCurrent, runtimeLines };
}

/** What a prompt shows of the conversation before the current message: counts that expose leaks. */
export function summarizeSeen(parsed: ParsedPrompt): { priorUserMessages: number; repeatedMessages: number } {
  const currentIdx = parsed.current ? parsed.logical.indexOf(parsed.current) : parsed.logical.length;
  const prior = parsed.logical.slice(0, currentIdx).filter((m) => m.role === 'user' || m.role === 'assistant');
  const seen = new Map<string, number>();
  for (const m of prior) {
    const text = normalizeText(m.text);
    if (text) seen.set(`${m.role}:${text}`, (seen.get(`${m.role}:${text}`) ?? 0) + 1);
  }
  let repeated = 0;
  for (const n of seen.values()) if (n > 1) repeated += n - 1;
  return { priorUserMessages: prior.filter((m) => m.role === 'user').length, repeatedMessages: repeated };
}

/**
 * The OpenClaw session key for a Trajscope session key. Header values are printable ASCII, and
 * AReaL accepts keys with spaces and unicode ("alice smith", "学生"), so such keys travel as a
 * stable hash ("u-…"); plain keys travel as they are. OpenClaw lower-cases what it receives.
 */
export function openclawSessionKey(sessionKey: string): string {
  if (/^[!-~]+$/.test(sessionKey)) return sessionKey;
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const ch of sessionKey) {
    const c = ch.codePointAt(0)!;
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return `u-${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

/** A supervised gateway's own dir (…/gateways/gw-<time>-<hex>/), wherever its data dir is. */
const GATEWAY_DIR = /\S*\/gateways\/gw-[a-z0-9]+-[0-9a-f]+\//g;

/**
 * Text with the gateway's own dir replaced by `<gateway>/`: OpenClaw names its workspace in the
 * system prompt, and a fresh gateway, a replay or a lab run has another — a host detail, not content.
 */
export function withoutGatewayPaths(text: string): string {
  return text.replace(GATEWAY_DIR, '<gateway>/');
}
