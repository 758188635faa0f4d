// Turns a parsed prompt and a scenario into the scripted model's next reply. Pure and
// deterministic: the same request always gets the same reply, and no scenario can loop.
import { normalizeText, parsePrompt, summarizeSeen } from '../../../shared/openclaw/prompt.ts';
import type { Scenario, ScenarioStep } from '../../../shared/schemas.ts';
import type { ChatRequestBody } from '../../../shared/wire/openai.ts';

export interface ScriptedReply {
  text: string;
  toolCall: { name: string; arguments: string } | null;
  rule: string;
  delayMs: number;
}

/** The scenario used when none is given: text, a tool_search step, and a client-tool step. */
export const DEFAULT_SCENARIO: Scenario = {
  model: 'trajscope-scripted',
  report: true,
  maxToolSteps: 6,
  chunkSize: 16,
  toolSchemas: 'as_sent',
  rules: [
    {
      name: 'weather',
      match: { regex: '(?i)weather' },
      steps: [{ tool: 'get_weather', args: { city: 'Paris' } }, { text: 'The forecast says it is sunny.' }],
    },
    {
      name: 'search',
      match: { regex: '(?i)\\b(search|find|look up)\\b' },
      steps: [
        { text: 'Let me look that up.' },
        { tool: 'tool_search', args: { query: '{message}' } },
        { text: 'I searched for "{message}".' },
      ],
    },
    {
      name: 'slow',
      match: { regex: '(?i)\\btake your time\\b' },
      delayMs: 20_000,
      steps: [{ text: 'That took a while.' }],
    },
    {
      name: 'echo',
      steps: [{ text: 'You said: "{message}".' }],
    },
  ],
};

interface Segment {
  text: string[];
  tool: { tool: string; args: Record<string, unknown> } | null;
}

/** Splits steps into replies: each reply is the text steps up to and including one tool step. */
function segments(steps: ScenarioStep[]): Segment[] {
  const out: Segment[] = [];
  let cur: Segment = { text: [], tool: null };
  for (const s of steps) {
    if ('text' in s) cur.text.push(s.text);
    else {
      cur.tool = { tool: s.tool, args: s.args };
      out.push(cur);
      cur = { text: [], tool: null };
    }
  }
  if (cur.text.length > 0 || out.length === 0) out.push(cur);
  return out;
}

const compiled = new Map<string, RegExp>();

function compileRegex(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    // Accept a leading (?i) as the case-insensitive flag, since JSON scenario files cannot carry flags.
    re = source.startsWith('(?i)') ? new RegExp(source.slice(4), 'i') : new RegExp(source);
    if (compiled.size > 256) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(message|prior|repeated)\}/g, (_, k: string) => vars[k] ?? '');
}

function fillArgs(args: Record<string, unknown>, vars: Record<string, string>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(args), (_k, v) => (typeof v === 'string' ? fill(v, vars) : v));
}

/** Decides the next reply for a request. */
export function nextReply(scenario: Scenario, body: ChatRequestBody): ScriptedReply {
  const parsed = parsePrompt(body.messages);
  const message = parsed.current?.text ?? '';
  const seen = summarizeSeen(parsed);
  const vars = { message, prior: String(seen.priorUserMessages), repeated: String(seen.repeatedMessages) };
  const report = scenario.report
    ? `\n\n[seen: ${seen.priorUserMessages} earlier user messages, ${seen.repeatedMessages} repeated]`
    : '';
  const final = (text: string, rule: string, delayMs = 0): ScriptedReply => ({
    text: fill(text, vars) + report,
    toolCall: null,
    rule,
    delayMs,
  });

  const rule = scenario.rules.find(
    (r) =>
      !r.match || ('regex' in r.match ? compileRegex(r.match.regex).test(message) : message.includes(r.match.contains)),
  );
  if (!rule) return final('I have no script for that message.', '(none)');
  const name = rule.name ?? '(unnamed)';

  const results = parsed.toolResultsSinceCurrent;
  const k = results.length;
  const normalized = results.map(normalizeText);
  if (k > 0 && normalized.indexOf(normalized[k - 1]!) < k - 1) {
    return final('Stopping: the same tool result came back twice.', name);
  }
  if (k >= scenario.maxToolSteps && k > 0) return final('Stopping: the tool step limit was reached.', name);

  const segs = segments(rule.steps);
  const seg = segs[k];
  const delayMs = rule.delayMs ?? 0;
  if (!seg) return final('Done.', name, delayMs);
  const text = seg.text.map((t) => fill(t, vars)).join('\n');
  if (!seg.tool || k >= scenario.maxToolSteps) return final(seg.text.join('\n') || 'Done.', name, delayMs);
  return { text, toolCall: toolCallFor(body, seg.tool.tool, fillArgs(seg.tool.args, vars)), rule: name, delayMs };
}

/** Calls a tool by name when the request offers it, else through OpenClaw's tool_call wrapper. */
function toolCallFor(
  body: ChatRequestBody,
  tool: string,
  args: Record<string, unknown>,
): { name: string; arguments: string } {
  const offered = new Set((body.tools ?? []).map((t) => t.function?.name));
  if (offered.has(tool) || !offered.has('tool_call')) return { name: tool, arguments: JSON.stringify(args) };
  return { name: 'tool_call', arguments: JSON.stringify({ id: tool, args }) };
}
