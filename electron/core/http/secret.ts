// Comparing a presented secret with the expected one in constant time, so how long a refusal takes
// says nothing about how much of a guess was right.
import { timingSafeEqual } from 'node:crypto';

export function sameSecret(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || expected === '') return false;
  const x = Buffer.from(presented);
  const y = Buffer.from(expected);
  return x.length === y.length && timingSafeEqual(x, y);
}
