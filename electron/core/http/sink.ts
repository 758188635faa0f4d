// Where an answer is written: a server's response (a ServerResponse is one), an in-process exchange
// (local.ts), or nowhere (a fork keeps only its record).

/** The part of a ServerResponse that answering needs. */
export interface Sink {
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: Buffer | string): unknown;
  end(text?: string): unknown;
  readonly destroyed: boolean;
}

export const DISCARD: Sink = { writeHead: () => {}, write: () => {}, end: () => {}, destroyed: false };
