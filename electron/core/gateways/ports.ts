// Which loopback ports gateways listen on. Each gateway derives helper ports up to base+110, so
// bases are spaced 120 apart. Bases stay out of the kernel's ephemeral range: a port in it can be
// taken at any moment as the local end of an outgoing connection (ours to a gateway, a browser's,
// anyone's), and a gateway binds its port seconds after the check that found it free — and binds
// it again when OpenClaw restarts itself in-process. Measured: a gateway base in 32768–60999 lost
// its port that way under test load (EADDRINUSE, nothing else listening).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const PORT_STEP = 120;
const PORT_LOW = 20_040;
const HELPER_SPAN = 110;
const PORT_HIGH = 65_535;

/** The kernel's ephemeral range; Linux's default when it cannot be read. */
export function ephemeralRange(
  read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'),
): [number, number] {
  try {
    const [low, high] = read().trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low! > 0 && high! >= low!) return [low!, high!];
  } catch {
    /* not Linux, or no /proc: the default */
  }
  return [32_768, 60_999];
}

/** Every base a gateway may get: its whole span of helper ports outside the ephemeral range. */
export function gatewayPortBases([low, high]: [number, number] = ephemeralRange()): number[] {
  const bases: number[] = [];
  for (let p = PORT_LOW; p + HELPER_SPAN <= PORT_HIGH; p += PORT_STEP)
    if (p + HELPER_SPAN < low || p > high) bases.push(p);
  return bases;
}

/** Whether nothing listens on `port` on loopback right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
