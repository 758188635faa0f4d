// Comparing a presented secret with the expected one in constant time, so how long a refusal takes
// says nothing about how much of a guess was right.
import { timingSafeEqual } from 'node:crypto';
import { bearerToken, type WithHeaders } from './body.ts';
import { HttpError } from './errors.ts';

export function sameSecret(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || expected === '') return false;
  const x = Buffer.from(presented);
  const y = Buffer.from(expected);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Who a bearer secret lets in, as every route that takes one says it. */
export interface BearerRealm {
  /** What the secret is called in the error ("admin key"). */
  name: string;
  secret: string;
  /**
   * The status for a bearer that is not the secret: 401 (it does not authenticate), or 403 where
   * the clients of a realm expect it (AReaL answers a non-admin bearer on its admin routes so).
   */
  wrong?: 401 | 403;
}

/**
 * The one check for a bearer secret: no bearer → 401, a bearer that is not the secret → the realm's
 * status; compared in constant time. Used by every realm that takes a fixed secret.
 */
export function requireBearer(req: WithHeaders, realm: BearerRealm): void {
  const token = bearerToken(req);
  if (token === null) throw new HttpError(401, `missing ${realm.name} (Authorization: Bearer <${realm.name}>)`);
  if (!sameSecret(token, realm.secret)) {
    const wrong = realm.wrong ?? 401;
    throw new HttpError(wrong, `wrong ${realm.name}`, wrong === 403 ? 'forbidden' : 'unauthorized');
  }
}
