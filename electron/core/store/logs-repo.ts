// The time index of gateway log files: which bytes of which file were written when.
import type { LogChunk } from '../../../shared/domain.ts';
import type { Db } from './db.ts';

/** Where a chunk of a gateway's log lies: `length` bytes at `offset` of `file`, written at `at`. */
export interface LogSpan {
  gatewayId: string;
  sessionKey: string | null;
  stream: LogChunk['stream'];
  at: number;
  file: string;
  offset: number;
  length: number;
}

export class LogsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  insert(rows: LogSpan[]): void {
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

  /**
   * Indexed log chunks of a session between two times, oldest first: its own gateways' lines, and
   * the lines of the shared gateways it sat on, from the time it sat down to the time it left.
   */
  range(sessionKey: string, from: number, to: number, limit = 5000): LogSpan[] {
    return this.#db.all<LogSpan>(
      `SELECT gateway_id AS gatewayId, session_key AS sessionKey, stream, at, file, file_offset AS offset, length
       FROM log_chunks c
       WHERE c.at >= ? AND c.at <= ? AND (c.session_key = ? OR (c.session_key IS NULL AND EXISTS (
         SELECT 1 FROM gateway_seats s WHERE s.session_key = ? AND s.gateway_id = c.gateway_id
           AND c.at >= s.from_at AND (s.to_at IS NULL OR c.at <= s.to_at))))
       ORDER BY c.id LIMIT ?`,
      from,
      to,
      sessionKey,
      sessionKey,
      limit,
    );
  }
}
