// Session keys travel in URL paths and headers: one rule, checked before any state is touched.
import { SESSION_KEY } from '../../../shared/schemas.ts';
import { HttpError } from '../http/errors.ts';

export function checkSessionKey(key: string): string {
  if (!SESSION_KEY.test(key))
    throw new HttpError(400, `invalid session key "${key.slice(0, 80)}": use 1-200 chars of [A-Za-z0-9._:@-]`);
  return key;
}
