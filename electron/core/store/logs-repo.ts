// The time index of gateway log files: which bytes of which file were written when.
import type { Db } from './db.ts';

export interface LogChunkRow {
  gateway_id: string;
  session_key: string | null;
  stream: string;
  at: number;
  file: string;
  file_offset: number;
  length: number;
}

export class LogsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  insert(
    rows: Array<{
      gatewayId: string;
      sessionKey: string | null;
      stream: string;
      at: number;
      file: string;
      offset: number;
      length: number;
    }>,
  ): void {
    this.#db.tx(() => {
      for (const r of rows) {
        this.#db.run(
          `INSERT INTO log_chunks (gateway_id, session_key, stream, at, file, file_offset, length)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          r.gatewayId,
          r.sessionKey,
          r.stream,
          r.at,
          r.file,
          r.offset,
          r.length,
        );
      }
    });
  }

  /** Indexed log chunks of a session between two times, oldest first. */
  range(sessionKey: string, from: number, to: number, limit = 5000): LogChunkRow[] {
    return this.#db.all<LogChunkRow>(
      `SELECT gateway_id, session_key, stream, at, file, file_offset, length FROM log_chunks
       WHERE session_key = ? AND at >= ? AND at <= ? ORDER BY id LIMIT ?`,
      sessionKey,
      from,
      to,
      limit,
    );
  }
}
