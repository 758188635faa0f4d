// One streamed chat completion from an OpenAI-compatible endpoint (the recorder or a gateway):
// text deltas go to the emitter as they arrive, tool calls are accumulated by index, and every
// failure becomes a RuntimeError with the status the caller should see.
import type { Forwarder, UpstreamTarget } from '../upstream/forward.ts';
import type { HttpError } from '../http/errors.ts';
import { ChatAccumulator, SseParser } from './sse.ts';
import { RuntimeError, type TurnEmitter } from './types.ts';

export async function streamChat(forwarder: Forwarder, target: UpstreamTarget, body: unknown, emitter: TurnEmitter,
  opts: { signal?: AbortSignal; headers?: Record<string, string>; what: string }): Promise<ChatAccumulator> {
  let res;
  try {
    res = await forwarder.request(target, 'POST', '/chat/completions', Buffer.from(JSON.stringify(body)), opts.signal, opts.headers);
  } catch (err) {
    const e = err as HttpError;
    throw new RuntimeError(e.status === 504 ? 504 : 502, `${opts.what} could not be reached: ${e.message}`);
  }
  if (res.statusCode !== 200) {
    const text = await res.body.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      message = JSON.parse(text)?.error?.message ?? message;
    } catch { /* not JSON: keep the text */ }
    throw new RuntimeError(res.statusCode === 504 ? 504 : 502, `${opts.what} answered ${res.statusCode}: ${message}`);
  }
  const parser = new SseParser();
  const acc = new ChatAccumulator();
  const feed = (data: string) => {
    const d = acc.pushData(data);
    if (d.text) emitter.delta(d.text);
  };
  try {
    for await (const chunk of res.body) {
      emitter.raw?.(chunk);
      for (const ev of parser.push(chunk)) feed(ev.data);
    }
    for (const ev of parser.end()) feed(ev.data);
  } catch (err) {
    throw new RuntimeError(502, `the stream from ${opts.what} broke: ${(err as Error).message}`);
  }
  if (acc.error) throw new RuntimeError(acc.error.type === 'upstream_timeout' ? 504 : 502, `${opts.what} stream failed: ${acc.error.message}`);
  if (!acc.complete) {
    throw new RuntimeError(502, acc.chunkCount === 0
      ? `${opts.what} sent a malformed stream (${acc.malformed} unreadable chunks, none valid)`
      : `the stream from ${opts.what} ended before the reply was complete`);
  }
  return acc;
}
