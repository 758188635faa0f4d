// A prompt as text, one message per line: what diffs and comparisons show. The logical form reads a
// request the way the model reads it (OpenClaw's flattened history, timestamps and its Runtime line
// taken apart), so a clean next turn's prompt is a pure append of the previous one.
import { parsePrompt } from './openclaw/prompt.ts';
import type { ChatMessage } from './wire/openai.ts';

export function promptText(
  messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }>,
): string {
  return (
    messages
      .map((m) => {
        const content =
          typeof m.content === 'string'
            ? m.content
            : Array.isArray(m.content)
              ? m.content.map((p: { text?: string }) => p?.text ?? '').join('')
              : '';
        const calls = m.tool_calls ? ` ${JSON.stringify(m.tool_calls)}` : '';
        return `[${m.role}${m.tool_call_id ? ` ${m.tool_call_id}` : ''}] ${content}${calls}`;
      })
      .join('\n') + '\n'
  );
}

function messagesOf(requestBody: string): ChatMessage[] | null {
  try {
    const messages = (JSON.parse(requestBody) as { messages?: ChatMessage[] }).messages;
    return Array.isArray(messages) ? messages : null;
  } catch {
    return null;
  }
}

/** The system prompt of a recorded chat request body, as the model reads it. */
export function systemPrompt(requestBody: string): string {
  const messages = messagesOf(requestBody);
  return messages ? parsePrompt(messages).system : '';
}

/** The logical prompt of a recorded chat request body ('' when it holds no messages). */
export function logicalPromptText(requestBody: string, opts: { system?: boolean } = {}): string {
  const messages = messagesOf(requestBody);
  if (!messages) return '';
  const parsed = parsePrompt(messages);
  return promptText([
    ...(parsed.system && opts.system !== false ? [{ role: 'system', content: parsed.system }] : []),
    ...parsed.logical.map((m) => ({ role: m.role, content: m.text })),
  ]);
}
