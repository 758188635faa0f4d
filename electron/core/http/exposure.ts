// Binding an address other machines reach is a choice made explicitly: a non-loopback `host` needs
// `expose`, and an exposed engine says, for every server, which realm it is and what opens it
// (docs/security.md, docs/cluster.md). Every realm keeps its credential whatever the address.

/** Whether `host` is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Refuses a non-loopback host that was not explicitly exposed; null when the start may go on. */
export function exposureProblem(c: { host: string; expose: boolean }): string | null {
  if (isLoopback(c.host) || c.expose) return null;
  return (
    `host ${c.host} is not a loopback address: other machines could reach every server of this engine. ` +
    'Set expose (--expose, TRAJSCOPE_EXPOSE=1 or "expose": true) to confirm, or bind 127.0.0.1 and use an ' +
    'SSH tunnel (docs/cluster.md)'
  );
}

/** The warning an exposed engine prints: each server, its realm and what authenticates it. */
export function exposureLines(c: {
  host: string;
  uiToken?: string;
  api: string | null;
  proxy: string;
  upstream: string;
  arealRouter?: string;
  /** The address registered with AReaL's Router (its credential is never printed). */
  advertised?: string | null;
}): string[] {
  const registered = c.advertised ? `; registered with AReaL's Router as ${new URL(c.advertised).origin}` : '';
  const lines = [
    `trajscope: EXPOSED on ${c.host} (expose is set): every server below is reachable from other machines`,
    `  DataProxy ${c.proxy}: admin key (Bearer)` +
      (c.arealRouter ? "; AReaL's Gateway routes (turn, close, history): the per-run Basic credential" : '') +
      registered,
    `  recorder ${c.upstream}: one sk-sess-… key per episode; admin key for /rl/start_session, /export_trajectories`,
  ];
  if (c.api)
    lines.push(
      `  workbench API and UI ${c.api}: the UI token ` +
        `(${c.uiToken ? 'uiToken, as configured' : "this run's, printed once"})`,
    );
  lines.push('  the embedded scripted model and every OpenClaw gateway stay on loopback');
  return lines;
}

type Interfaces = Record<string, Array<{ address: string; family: string | number; internal: boolean }> | undefined>;

/**
 * The address other nodes reach a server bound to `url` at, for AReaL's Router: the URL itself,
 * unless it is bound to every interface (0.0.0.0, ::) — then this machine's first address that is
 * not internal (IPv4 first), with the same port. Null: bound to every interface with no such address.
 */
export function reachableUrl(url: string, interfaces: Interfaces): string | null {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host !== '0.0.0.0' && host !== '::') return url;
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const outside = all.filter((i) => !i.internal && !i.address.startsWith('fe80:'));
  const pick = outside.find((i) => i.family === 'IPv4' || i.family === 4) ?? outside[0];
  if (!pick) return null;
  u.hostname = pick.address.includes(':') ? `[${pick.address}]` : pick.address;
  return u.href.replace(/\/$/, '');
}
