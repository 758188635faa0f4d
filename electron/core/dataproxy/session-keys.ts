// Session keys travel in URL paths and headers: one rule, checked before any state is touched.
import { sessionKeyProblem } from '../../../shared/schemas.ts';
import { HttpError } from '../http/errors.ts';

export function checkSessionKey(key: string): string {
  const problem = sessionKeyProblem(key);
  if (problem) throw new HttpError(400, `invalid session key "${JSON.stringify(key).slice(1, 81)}": ${problem}`);
  return key;
}
