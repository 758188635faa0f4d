// A turn on one time axis, as rows of segments: the turn itself; each upstream call as its wait
// (sent → first byte) and its stream (first byte → end); the tools the agent ran between a call
// that asked for them and the next call; and gateway log lines as ticks, warnings and errors told
// apart. Times are milliseconds since the turn started. Pure data, so it is tested and measured
// without a browser; Waterfall.tsx draws it.
import type { LogChunk, Turn, TurnToolCall, UpstreamCall } from '../../../../shared/domain.ts';

export type SegmentKind = 'turn' | 'wait' | 'stream' | 'failed' | 'tool' | 'tool-failed';
export type LogLevel = 'info' | 'warning' | 'error';

export interface Segment {
  row: string;
  kind: SegmentKind;
  x1: number;
  x2: number;
  /** What hovering it says, in words and numbers. */
  title: string;
  /** The call it belongs to (a click opens it). */
  callId: string | null;
  /** Still running: its end is "now". */
  open: boolean;
}

export interface LogTick {
  x: number;
  level: LogLevel;
  title: string;
  at: number;
}

export interface Waterfall {
  rows: string[];
  segments: Segment[];
  logs: LogTick[];
  /** The axis' end: the turn's length, or now for a running turn. */
  span: number;
}

const ERROR = /\b(error|fatal|panic|uncaught|exception)\b/i;
const WARNING = /\b(warn(ing)?|memory pressure)\b/i;
const MAX_TICKS = 2_000; // a turn that logs more shows its warnings and errors first, then the rest up to this

export function logLevel(text: string): LogLevel {
  return ERROR.test(text) ? 'error' : WARNING.test(text) ? 'warning' : 'info';
}

const ms = (n: number) => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);

export function buildWaterfall(
  turn: Pick<Turn, 'startedAt' | 'endedAt' | 'index' | 'toolCalls' | 'status'>,
  calls: UpstreamCall[],
  logs: LogChunk[],
  now: number,
): Waterfall {
  const t0 = turn.startedAt;
  const end = turn.endedAt ?? now;
  const at = (t: number) => Math.max(0, t - t0);
  const rows = ['turn'];
  const segments: Segment[] = [
    {
      row: 'turn',
      kind: turn.status === 'failed' ? 'failed' : 'turn',
      x1: 0,
      x2: at(end),
      title: `turn ${turn.index}: ${ms(end - t0)}${turn.endedAt === null ? ' so far (running)' : ''}`,
      callId: null,
      open: turn.endedAt === null,
    },
  ];
  const ordered = [...calls].sort((a, b) => a.startedAt - b.startedAt || a.seq - b.seq);
  const outcomes = turn.toolCalls;
  let toolIndex = 0;
  ordered.forEach((c, i) => {
    const row = `call ${i + 1}`;
    rows.push(row);
    const stop = c.endedAt ?? now;
    const first = c.firstByteAt ?? null;
    const failed = c.outcome !== null && c.outcome !== 'complete';
    const wait = (first ?? stop) - c.startedAt;
    segments.push({
      row,
      kind: failed && first === null ? 'failed' : 'wait',
      x1: at(c.startedAt),
      x2: at(first ?? stop),
      title:
        `call ${i + 1} (#${c.seq}): waited ${ms(wait)} for the first byte` +
        (first === null ? (c.endedAt === null ? ' (in flight)' : ' (none came)') : '') +
        (failed ? ` — failed: ${c.outcome}` : ''),
      callId: c.id,
      open: c.endedAt === null && first === null,
    });
    if (first !== null)
      segments.push({
        row,
        kind: failed ? 'failed' : 'stream',
        x1: at(first),
        x2: at(stop),
        title:
          `call ${i + 1} (#${c.seq}): streamed ${ms(stop - first)}` +
          (c.endedAt === null ? ' so far' : '') +
          (failed ? ` — failed: ${c.outcome}` : ''),
        callId: c.id,
        open: c.endedAt === null,
      });
    // the tools it asked for ran between its end and the next call (their own times are not recorded)
    const asked = c.response?.toolCalls ?? [];
    if (asked.length === 0 || c.endedAt === null) return;
    const next = ordered[i + 1]?.startedAt ?? end;
    for (const t of asked) {
      const outcome: TurnToolCall | undefined = outcomes[toolIndex++];
      const failedTool = !!outcome?.error;
      const toolRow = `tool ${t.name}`;
      if (!rows.includes(toolRow)) rows.push(toolRow);
      segments.push({
        row: toolRow,
        kind: failedTool ? 'tool-failed' : 'tool',
        x1: at(c.endedAt),
        x2: at(Math.max(next, c.endedAt)),
        title:
          `tool ${t.name}, asked by call ${i + 1}: ${failedTool ? `failed — ${outcome!.error}` : 'ran'}` +
          ` between that call's end and the next (${ms(Math.max(0, next - c.endedAt))}; ` +
          'tools are not timed one by one)',
        callId: c.id,
        open: false,
      });
    }
  });
  const ticks = logs.map((l) => ({ x: at(l.at), level: logLevel(l.text), at: l.at, title: l.text.slice(0, 300) }));
  // a flood of lines keeps every warning and error and as many others as fit
  const loud = ticks.filter((t) => t.level !== 'info').slice(0, MAX_TICKS);
  const kept =
    ticks.length <= MAX_TICKS
      ? ticks
      : [...loud, ...ticks.filter((t) => t.level === 'info').slice(0, MAX_TICKS - loud.length)];
  if (kept.length) rows.push('logs');
  return { rows, segments, logs: kept, span: Math.max(1, at(end)) };
}
