// What every server of the engine enforces before routing: the Host header names this machine
// (a page on another site that rebinds its DNS name to 127.0.0.1 sends its own name and is
// refused), and a request must arrive whole in reasonable time (a slow body cannot hold a
// connection open forever).
import { isIP } from 'node:net';

export interface HttpPolicy {
  /** Whether a request with this Host header may be served. */
  allowsHost(host: string | undefined): boolean;
  /** Longest time to receive a whole request (headers and body). */
  requestTimeoutMs: number;
  /**
   * Resolves once everything written so far is on disk (rejects if it could not be): no answer
   * completes before, so nothing is acknowledged that a crash could still lose.
   */
  settled?(): Promise<void>;
  /** Told when a server stops without being asked to (it closed, or failed after it listened). */
  down?(service: string, why: string): void;
}

/** The name part of a Host header (no port, no IPv6 brackets), lower case; null when unreadable. */
export function hostName(header: string): string | null {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 1 ? h.slice(1, end) : null;
  }
  const name = h.replace(/:\d+$/, '');
  return name && !name.includes(':') ? name : null;
}

/**
 * Loopback names, IP literals (DNS rebinding needs a name, so a literal address is safe), the
 * configured bind host, and any names the user allowed.
 */
export function httpPolicy(o: { host: string; allowedHosts?: string[]; requestTimeoutMs: number }): HttpPolicy {
  const names = new Set(['localhost', o.host.toLowerCase(), ...(o.allowedHosts ?? []).map((n) => n.toLowerCase())]);
  return {
    requestTimeoutMs: o.requestTimeoutMs,
    allowsHost: (header) => {
      if (header === undefined) return true; // HTTP/1.0: no name to rebind
      const name = hostName(header);
      return name !== null && (names.has(name) || isIP(name) !== 0);
    },
  };
}

/** What a server enforces when nothing else is configured. */
export const LOOPBACK_POLICY: HttpPolicy = httpPolicy({ host: '127.0.0.1', requestTimeoutMs: 60_000 });
