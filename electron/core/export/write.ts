// Writes lines to a stream with backpressure, and resolves only once the stream has taken all of
// them; any write error (a closed pipe, a full disk) rejects. A pipe to a slow reader therefore
// gets every byte, and a failed export is never reported as done.
import type { Writable } from 'node:stream';

export async function writeLines(lines: Iterable<string> | AsyncIterable<string>, out: Writable): Promise<number> {
  let failure: Error | null = null;
  const onError = (err: Error) => (failure ??= err);
  out.on('error', onError);
  try {
    let count = 0;
    for await (const line of lines) {
      if (failure) throw failure;
      // a closed stream (a download the browser dropped) emits nothing more: waiting would hang
      if (out.destroyed) throw new Error('the output was closed before the export finished');
      if (!out.write(line + '\n')) {
        await new Promise<void>((resolve) => {
          const done = () => {
            out.off('drain', done);
            out.off('error', done);
            out.off('close', done);
            resolve();
          };
          out.once('drain', done);
          out.once('error', done);
          out.once('close', done);
        });
      }
      count++;
    }
    // an empty write's callback runs once everything before it has been flushed
    await new Promise<void>((resolve, reject) => out.write('', (err) => (err ? reject(err) : resolve())));
    if (failure) throw failure;
    return count;
  } finally {
    out.off('error', onError);
  }
}
