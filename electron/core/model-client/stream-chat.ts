// One streamed chat completion from an OpenAI-compatible endpoint (the recorder or a gateway):
// text deltas go to the sink as they arrive, tool calls are accumulated by index, and every
// failure becomes a ChatError with the status the caller should see.
import { HttpError } from '../http/errors.ts';
import type { Forwarder, UpstreamTarget } from './forward.ts';
import { ChatAccumulator, SseParser } from './sse.ts';
import type { ErrorType } from '../../../shared/errors.ts';

/** Where a streamed reply goes as it arrives. */
export interface ChatSink {
  delta(text: string): void;
  /** The endpoint's own SSE bytes, for a caller that passes them through unchanged. */
  raw?(chunk: Uint8Array): void;
}

/** A failed chat call, with the status its caller should answer (502 broken, 504 too slow). */
export class ChatError extends HttpError {
  constructor(
    status: 502 | 504,
    message: string,
    type: ErrorType = status === 504 ? 'upstream_timeout' : 'upstream_error',
  ) {
    super(status, message, type);
  }
}

export async function streamChat(
  forwarder: Forwarder,
  target: UpstreamTarget,
  body: unknown,
  sink: ChatSink,
  opts: {
    signal?: AbortSignal;
    headers?: Record<string, string>;
    what: string;
    /**
     * How long to keep asking an endpoint that answers 503 (it took no work: an OpenClaw gateway
     * restarting or suspending says so, with Retry-After); 0 or absent: not at all.
     */
    retryUnavailableMs?: number;
  },
): Promise<ChatAccumulator> {
  const bytes = Buffer.from(JSON.stringify(body));
  const deadline = Date.now() + (opts.retryUnavailableMs ?? 0);
  let res;
  for (;;) {
    try {
      res = await forwarder.request(target, 'POST', '/chat/completions', bytes, opts.signal, opts.headers);
    } catch (err) {
      const e = err as HttpError;
      throw new ChatError(e.status === 504 ? 504 : 502, `${opts.what} could not be reached: ${e.message}`);
    }
    if (res.statusCode !== 503 || Date.now() >= deadline || opts.signal?.aborted) break;
    await res.body.text().catch(() => '');
    const after = Number(res.headers['retry-after']);
    const wait = Math.min(Number.isFinite(after) && after > 0 ? after * 1000 : 1000, 5000, deadline - Date.now());
    await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 50)));
    opts.signal?.throwIfAborted();
  }
  if (res.statusCode !== 200) {
    const text = await res.body.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      message = JSON.parse(text)?.error?.message ?? message;
    } catch {
      /* not JSON: keep the text */
    }
    throw new ChatError(res.statusCode === 504 ? 504 : 502, `${opts.what} answered ${res.statusCode}: ${message}`);
  }
  const parser = new SseParser();
  const acc = new ChatAccumulator();
  const feed = (data: string) => {
    const d = acc.pushData(data);
    if (d.text) sink.delta(d.text);
  };
  try {
    for await (const chunk of res.body) {
      sink.raw?.(chunk);
      for (const ev of parser.push(chunk)) feed(ev.data);
    }
    for (const ev of parser.end()) feed(ev.data);
  } catch (err) {
    throw new ChatError(502, `the stream from ${opts.what} broke: ${(err as Error).message}`);
  }
  if (acc.error)
    throw new ChatError(
      acc.error.type === 'upstream_timeout' ? 504 : 502,
      `${opts.what} stream failed: ${acc.error.message}`,
    );
  if (!acc.complete) {
    throw new ChatError(
      502,
      acc.chunkCount === 0
        ? `${opts.what} sent a malformed stream (${acc.malformed} unreadable chunks, none valid)`
        : `the stream from ${opts.what} ended before the reply was complete`,
    );
  }
  return acc;
}
