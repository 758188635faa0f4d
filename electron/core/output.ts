// The process never dies of its own output. stdout and stderr may be a pipe whose reader has gone
// (`serve 2>&1 | head -n 2`) or a file on a full disk: Node then emits 'error' on the stream, and
// an 'error' nobody listens to ends the process — at the next warning anyone could cause. Guarded,
// the first failure of each stream is remembered, that stream is written no more, and the engine
// keeps serving; what it would have said still reaches the UI (notices) where it is running.
import type { Writable } from 'node:stream';

interface Guarded {
  stream: Writable;
  /** Why writing stopped (EPIPE, ENOSPC, …), once it has. */
  broken: string | null;
}

const guarded: Guarded[] = [];

/** Installs the guard on stdout and stderr (idempotent); returns what it knows of both. */
export function guardOutput(): { broken(): Record<'stdout' | 'stderr', string | null> } {
  if (guarded.length === 0) {
    for (const stream of [process.stdout, process.stderr]) {
      const g: Guarded = { stream, broken: null };
      guarded.push(g);
      stream.on('error', (err: NodeJS.ErrnoException) => {
        g.broken ??= err.code ?? err.message;
        // a stream that failed once takes no more writes: each would fail again
        stream.write = ((_chunk: unknown, enc?: unknown, cb?: unknown) => {
          const done = typeof enc === 'function' ? enc : cb;
          if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
          return true;
        }) as Writable['write'];
      });
    }
  }
  return {
    broken: () => ({ stdout: guarded[0]!.broken, stderr: guarded[1]!.broken }),
  };
}
