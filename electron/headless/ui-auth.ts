// Who may use the UI server, the way Jupyter does it: the token in the URL the engine printed is
// exchanged, once, for an HttpOnly, SameSite=Strict cookie holding this run's token, and the page
// is sent on without the token. Later links (the address bar, "Copy link") need no token while
// this engine runs; after a restart the cookie holds the stopped run's token and the page says so.
// Scripts and tests may still send `Authorization: Bearer <token>` (or `?token=` on the WebSocket).
//
// Cookies ignore ports, so any page on this host (another local web app, on another port) is
// "same-site" and its requests would carry the cookie: a request that authenticates by cookie
// must also come from this server's own origin.
import type { IncomingMessage } from 'node:http';
import { bearerToken } from '../core/http/body.ts';
import { HttpError } from '../core/http/errors.ts';
import { sameSecret } from '../core/http/secret.ts';

export type UiCredential = 'ok' | 'none' | 'other_run';

export const OTHER_RUN =
  'this page belongs to an engine run that has stopped: ' +
  'open the URL the running engine printed (it carries a new token)';

export class UiAuth {
  readonly #token: string;
  #origin = '';
  #cookie = '';

  constructor(token: string) {
    this.#token = token;
  }

  /** Once the server listens: its origin and, from its port, the cookie's name. */
  bind(url: string): void {
    const u = new URL(url);
    this.#origin = u.origin;
    this.#cookie = `trajscope-ui-${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  }

  /** A page asked for with this run's token: where to send the browser on, and the cookie to set. */
  login(req: IncomingMessage): { location: string; setCookie: string } | null {
    const u = URL.parse(req.url ?? '/', 'http://x');
    if (!u || !sameSecret(u.searchParams.get('token'), this.#token)) return null;
    u.searchParams.delete('token');
    return {
      // a redirect keeps the fragment (the view the link names) by itself
      location: u.pathname + u.search,
      setCookie: `${this.#cookie}=${this.#token}; HttpOnly; SameSite=Strict; Path=/`,
    };
  }

  /** What a request presents: this run's token, nothing, or a token of another (stopped) run. */
  credential(req: IncomingMessage, queryToken: string | null = null): UiCredential {
    const presented = bearerToken(req) ?? queryToken;
    if (presented !== null) return sameSecret(presented, this.#token) ? 'ok' : 'other_run';
    const cookie = this.#cookieOf(req);
    if (cookie === null) return 'none';
    if (!sameSecret(cookie, this.#token)) return 'other_run';
    return this.#fromHere(req) ? 'ok' : 'none';
  }

  /** For the page's own question "may I?": a cookie counts without an Origin (a browser sends none
   * with a same-origin GET), as the answer says only whether the asker's own credential is good. */
  state(req: IncomingMessage): UiCredential {
    const presented = bearerToken(req);
    if (presented !== null) return sameSecret(presented, this.#token) ? 'ok' : 'other_run';
    const cookie = this.#cookieOf(req);
    if (cookie === null) return 'none';
    return sameSecret(cookie, this.#token) ? 'ok' : 'other_run';
  }

  /** Throws 401 unless the request carries this run's credential. */
  require(req: IncomingMessage): void {
    const c = this.credential(req);
    if (c === 'other_run') throw new HttpError(401, OTHER_RUN, 'other_run');
    if (c === 'none') throw new HttpError(401, 'missing or wrong UI token');
  }

  /** A browser sends Origin with every POST and WebSocket; a cookie from any other origin is refused. */
  #fromHere(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin === this.#origin || origin?.replace('//localhost', '//127.0.0.1') === this.#origin;
  }

  #cookieOf(req: IncomingMessage): string | null {
    const header = req.headers.cookie;
    if (!header) return null;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.#cookie) return part.slice(eq + 1).trim();
    }
    return null;
  }
}
