// In-process exchanges: a server of this engine answering a client of this engine without a socket.
// DirectRuntime reaches the recorder, and the recorder the embedded scripted model, this way — each
// HTTP leg between two parts of one process cost more CPU than the rest of a turn's work. The
// handlers are the very ones the HTTP routes use (they write to a Sink, which a ServerResponse is),
// so what is recorded and answered is the same; only the bytes skip the kernel.
import { HttpError, errorBody } from './errors.ts';
import type { Sink } from './sink.ts';

/** A request as a client of this engine sends it. */
export interface LocalRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-case names, as Node gives a server. */
  headers: Record<string, string>;
  body: Buffer | null;
  signal?: AbortSignal;
  /** How long the answer's head may take (a socket's headers timeout); none when absent. */
  headersTimeoutMs?: number;
}

/** An answer's body: read chunk by chunk, or whole. */
export interface AnswerBody extends AsyncIterable<Buffer> {
  text(): Promise<string>;
}

/** An answer as an HTTP client library gives one (undici's `ResponseData` fits it). */
export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: AnswerBody;
}

/** Serves an in-process request; resolves once the answer's head is known. */
export type LocalHandler = (req: LocalRequest) => Promise<Answer>;

/** A body fed by a Sink and read by an async iterator. */
class PushBody implements AnswerBody {
  // a queue read from #head (Array.shift would copy the rest on every chunk: a stream of a token
  // per chunk, 100k chunks, took minutes)
  #chunks: Buffer[] = [];
  #head = 0;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;

  push(chunk: Buffer | string): void {
    this.#chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    this.#poke();
  }

  end(): void {
    this.#ended = true;
    this.#poke();
  }

  fail(err: Error): void {
    if (this.#ended) return;
    this.#error = err;
    this.#ended = true;
    this.#poke();
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      if (this.#head < this.#chunks.length) {
        const next = this.#chunks[this.#head++]!;
        if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
          this.#chunks = this.#chunks.slice(this.#head);
          this.#head = 0;
        }
        yield next;
        continue;
      }
      if (this.#error) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  async text(): Promise<string> {
    const parts: Buffer[] = [];
    for await (const chunk of this) parts.push(chunk);
    return Buffer.concat(parts).toString('utf8');
  }
}

/**
 * Runs `serve` against a Sink and hands its answer to the caller as it is written. An error thrown
 * before the head is written becomes the JSON error answer the HTTP route would have sent; one
 * thrown after it breaks the body, as a reset connection would. When the caller's signal aborts,
 * the sink reports itself destroyed and `gone` fires, as a closed socket would.
 */
export function exchange(
  req: Pick<LocalRequest, 'signal' | 'headersTimeoutMs'>,
  serve: (sink: Sink, gone: AbortSignal) => Promise<void> | void,
): Promise<Answer> {
  const signal = req.signal;
  if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('the request was aborted'));
  return new Promise<Answer>((resolve, reject) => {
    const body = new PushBody();
    const gone = new AbortController();
    let head: Answer | null = null;
    const stop = (why: unknown) => {
      gone.abort(why);
      if (head) body.fail(why instanceof Error ? why : new Error(String(why)));
      else reject(why);
    };
    const onAbort = () => stop(signal?.reason ?? new Error('the request was aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    // no head in time: the server side is told to give up, the caller gets a 504
    const slow =
      req.headersTimeoutMs === undefined
        ? null
        : setTimeout(
            () => stop(new HttpError(504, 'timed out waiting for the answer to begin', 'upstream_timeout')),
            req.headersTimeoutMs,
          ).unref();
    const sink: Sink = {
      writeHead(status, headers) {
        if (slow) clearTimeout(slow);
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = String(v);
        head = { statusCode: status, headers: h, body };
        resolve(head);
        return sink;
      },
      write(chunk) {
        if (!gone.signal.aborted) body.push(chunk);
        return true;
      },
      end(text) {
        if (text !== undefined && !gone.signal.aborted) body.push(text);
        body.end();
        signal?.removeEventListener('abort', onAbort);
        return sink;
      },
      get destroyed() {
        return gone.signal.aborted;
      },
    };
    Promise.resolve()
      .then(() => serve(sink, gone.signal))
      .then(
        () => {
          if (slow) clearTimeout(slow);
          if (!head) reject(new Error('the in-process handler answered nothing'));
        },
        (err: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          if (slow) clearTimeout(slow);
          if (gone.signal.aborted) return; // the caller has its answer: the abort
          if (head) return body.fail(err instanceof Error ? err : new Error(String(err)));
          const e = err instanceof HttpError ? err : new HttpError(500, 'internal error', 'server_error');
          if (!(err instanceof HttpError))
            process.emitWarning(`trajscope: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
          sink.writeHead(e.status, { 'content-type': 'application/json' });
          sink.end(JSON.stringify(errorBody(e.message, e.type)));
        },
      );
  });
}
