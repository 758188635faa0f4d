// Seats on shared gateways: when a session sat on which gateway (as which agent). A shared
// gateway's log lines are indexed with no session; a session's log is its own gateways' lines
// plus the lines of each shared gateway written while it sat there.
import type { Db } from './db.ts';

export class SeatsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  sit(sessionKey: string, gatewayId: string, agentId: string, now = Date.now()): void {
    this.#db.run(
      'INSERT INTO gateway_seats (session_key, gateway_id, agent_id, from_at) VALUES (?, ?, ?, ?)',
      sessionKey,
      gatewayId,
      agentId,
      now,
    );
  }

  leave(sessionKey: string, gatewayId: string, now = Date.now()): void {
    this.#db.run(
      'UPDATE gateway_seats SET to_at = ? WHERE session_key = ? AND gateway_id = ? AND to_at IS NULL',
      now,
      sessionKey,
      gatewayId,
    );
  }
}
