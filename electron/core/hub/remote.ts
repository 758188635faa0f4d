// Another engine this one shows as a hub: its workbench API over HTTP with its UI token, every call
// bounded by a timeout so a slow or dead host never holds the others up, and what the hub last knew
// of it (reachable or not since when, its sessions) for when it stops answering.
import { request } from 'undici';
import type { ExportRequest, InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/api.ts';
import type { Page, SessionInfo } from '../../../shared/domain.ts';
import type { HostStatus } from '../../../shared/hosts.ts';
import { HttpError } from '../http/errors.ts';
import { RemoteEvents, type RemoteEventsOptions } from './remote-events.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../store/page.ts';

/** Pages of sessions read from a host at most (1,000 each): what the hub keeps of a host is bounded. */
const MAX_SESSION_PAGES = 50;
const MAX_KEPT = MAX_SESSION_PAGES * 1000;

export class RemoteHost {
  readonly name: string;
  readonly url: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  status: HostStatus;
  /** Its sessions as last read or told (shown greyed while it does not answer). */
  readonly sessions = new Map<string, SessionInfo>();

  /** Told when it starts or stops answering, whichever request found out (the hub says so at once). */
  onFlip: (() => void) | null = null;

  constructor(remote: { name: string; url: string; token: string }, timeoutMs = 2000) {
    this.name = remote.name;
    this.url = remote.url.replace(/\/+$/, '');
    this.#token = remote.token;
    this.#timeoutMs = timeoutMs;
    this.status = { name: this.name, url: this.url, reachable: null, since: null, lastSeenAt: null, error: null };
  }

  /** Whether this is the remote configured as `r` (same name, address and token). */
  sameAs(r: { name: string; url: string; token: string }): boolean {
    return r.name === this.name && r.url.replace(/\/+$/, '') === this.url && r.token === this.#token;
  }

  /** One invoke on the host; its HTTP error comes back as the same HttpError (status and message). */
  async invoke<C extends InvokeChannel>(
    channel: C,
    payload: InvokeRequest<C>,
    timeoutMs = this.#timeoutMs,
  ): Promise<InvokeResponse<C>> {
    let status: number;
    let text: string;
    try {
      const res = await request(`${this.url}/api/invoke/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      this.#seen(false, describe(err, timeoutMs));
      throw new HttpError(502, `host ${this.name} did not answer ${channel}: ${describe(err, timeoutMs)}`);
    }
    this.#seen(true, null);
    let body: { ok?: boolean; result?: unknown; error?: { message?: string } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(502, `host ${this.name} answered ${channel} with ${status} and no JSON`);
    }
    if (status === 401) throw new HttpError(502, `host ${this.name} refused the hub's token (check its uiToken)`);
    if (!body.ok) throw new HttpError(status, `host ${this.name}: ${body.error?.message ?? `status ${status}`}`);
    return body.result as InvokeResponse<C>;
  }

  /** Every session of the host, kept as its last-known state; throws when it does not answer. */
  async listSessions(): Promise<SessionInfo[]> {
    const out: SessionInfo[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < MAX_SESSION_PAGES; i++) {
      const page = await this.invoke('sessions:list', { limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      if (!page.next) break;
      cursor = page.next;
    }
    this.sessions.clear();
    for (const s of out) this.sessions.set(s.key, s);
    return out;
  }

  /** Keeps what the host said of a session (a page it answered, an event). */
  keep(s: SessionInfo): void {
    if (!this.sessions.has(s.key) && this.sessions.size >= MAX_KEPT) return;
    this.sessions.set(s.key, s);
  }

  /** A page of its sessions, tagged with the host: from it, or as last known while it does not answer. */
  async sessionsPage(req: InvokeRequest<'sessions:list'>): Promise<Page<SessionInfo>> {
    let page: Page<SessionInfo>;
    let reachable = this.status.reachable !== false;
    if (reachable) {
      try {
        page = await this.invoke('sessions:list', req);
        page.items.forEach((s) => this.keep(s));
      } catch (err) {
        if (!this.sessions.size) throw err;
        reachable = false;
        page = this.lastKnown(req.cursor, pageLimit(req.limit));
      }
    } else page = this.lastKnown(req.cursor, pageLimit(req.limit));
    return { ...page, items: page.items.map((s) => ({ ...s, host: { name: this.name, reachable } })) };
  }

  /** A page of its sessions as last known, newest first, after `cursor` (the host's own format). */
  lastKnown(cursor: string | undefined, limit: number): Page<SessionInfo> {
    const [at, key] = cursor ? (decodeCursor(cursor, ['number', 'string']) as [number, string]) : [Infinity, ''];
    const after = [...this.sessions.values()]
      .filter((s) => s.createdAt < at || (s.createdAt === at && s.key < key))
      .sort((a, b) => b.createdAt - a.createdAt || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const items = after.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: after.length > limit && last ? encodeCursor([last.createdAt, last.key]) : null };
  }

  /** The host's export for `req`, line by line as it streams (never whole in memory). */
  async *exportLines(req: ExportRequest): AsyncGenerator<string> {
    const res = await request(`${this.url}/api/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
      body: JSON.stringify(req),
      headersTimeout: this.#timeoutMs,
      bodyTimeout: 60_000,
    });
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      throw new HttpError(502, `host ${this.name}: its export answered ${res.statusCode}: ${text.slice(0, 200)}`);
    }
    res.body.setEncoding('utf8');
    let rest = '';
    for await (const chunk of res.body as AsyncIterable<string>) {
      rest += chunk;
      const lines = rest.split('\n');
      rest = lines.pop()!;
      yield* lines.filter(Boolean);
    }
    if (rest) yield rest;
  }

  /** Its live event stream, not yet started. */
  eventStream(o: Pick<RemoteEventsOptions, 'onBatch' | 'opened'>): RemoteEvents {
    return new RemoteEvents({ url: this.url, token: this.#token, ...o });
  }

  /** Answers at all (its health route, no data): for the hub's watch of its hosts. */
  async ping(): Promise<void> {
    await this.invoke('progress:list', {}).catch(() => {});
  }

  #seen(reachable: boolean, error: string | null): void {
    const now = Date.now();
    const changed = this.status.reachable !== reachable;
    this.status = {
      ...this.status,
      reachable,
      since: changed ? now : this.status.since,
      lastSeenAt: reachable ? now : this.status.lastSeenAt,
      error,
    };
    if (changed) this.onFlip?.();
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT')
    return `no answer within ${timeoutMs} ms`;
  if (e.code === 'ECONNREFUSED') return 'connection refused (is it running?)';
  return e.message ?? String(err);
}
