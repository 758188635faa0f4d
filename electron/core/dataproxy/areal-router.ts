// Registration with AReaL's agent-service Router, so that AReaL's Gateway routes sessions to this
// DataProxy. The Gateway authenticates only to its Router and calls the address the Router gives
// it; its HTTP client (httpx) sends the userinfo of that address as HTTP Basic auth. So the address
// registered carries a per-run credential (never shown in full), accepted on the routes the Gateway
// uses. What was registered is remembered in the data dir (0600), so a registration left by a
// crash is replaced at the next start instead of routing sessions to a dead address.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

/** AReaL's own default admin key (areal/v2/agent_service/auth.py), used when none is configured. */
export const AREAL_DEFAULT_ADMIN_KEY = 'areal-agent-admin';

export interface RegistrationOptions {
  router: string;
  routerKey: string;
  /** The DataProxy URL AReaL's Gateway should call (no credential in it). */
  advertise: string;
  /** "areal:<secret>", what the Gateway will send as Basic auth. */
  credential: string;
  dataDir: string;
  warn(message: string): void;
}

/** An address with a credential, as it may be shown: the secret replaced by an ellipsis. */
export function shownAddress(addr: string): string {
  return addr.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:…@');
}

export class ArealRegistration {
  readonly #o: RegistrationOptions;
  readonly #file: string;
  #addr: string | null = null;

  constructor(o: RegistrationOptions) {
    this.#o = o;
    this.#file = join(o.dataDir, 'areal-router.json');
  }

  /** The address registered (with its credential): what AReaL's Gateway is given. */
  get address(): string | null {
    return this.#addr;
  }

  async start(): Promise<void> {
    const stale = this.#readStale();
    if (stale && stale.router === this.#o.router) {
      try {
        await this.#post('/unregister', stale.addr);
      } catch (err) {
        this.#o.warn(`could not remove the stale registration ${shownAddress(stale.addr)}: ${(err as Error).message}`);
      }
    }
    const url = new URL(this.#o.advertise);
    const [user, secret] = splitCredential(this.#o.credential);
    url.username = user;
    url.password = secret;
    const addr = url.toString().replace(/\/$/, '');
    await this.#post('/register', addr);
    this.#addr = addr;
    writeFileSync(this.#file, JSON.stringify({ router: this.#o.router, addr }) + '\n', { mode: 0o600 });
  }

  async stop(): Promise<void> {
    const addr = this.#addr;
    if (!addr) return;
    this.#addr = null;
    try {
      await this.#post('/unregister', addr);
      rmSync(this.#file, { force: true });
    } catch (err) {
      // left in the file: the next start removes it
      this.#o.warn(`could not unregister from the AReaL Router: ${(err as Error).message}`);
    }
  }

  async #post(path: string, addr: string): Promise<void> {
    const res = await request(`${this.#o.router.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#o.routerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ addr }),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200)
      throw new Error(
        `the AReaL Router at ${this.#o.router} answered ${res.statusCode} to ${path}: ${text.slice(0, 200)}`,
      );
  }

  #readStale(): { router: string; addr: string } | null {
    if (!existsSync(this.#file)) return null;
    try {
      return JSON.parse(readFileSync(this.#file, 'utf8'));
    } catch {
      return null;
    }
  }
}

function splitCredential(credential: string): [string, string] {
  const i = credential.indexOf(':');
  return [credential.slice(0, i), credential.slice(i + 1)];
}
