// The command line's argument parsers: each value checked where it is read, with what it must be.
import { InvalidArgumentError } from 'commander';

export function discount(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** An age such as 30d, 12h, 90m or 2w, in ms. */
export function age(value: string): number {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('must be a number and a unit: m, h, d or w (e.g. 30d)');
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** "all", or a comma-separated list of host names. */
export function hostNames(value: string): 'all' | string[] {
  if (value.trim() === 'all') return 'all';
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length || names.some((n) => !/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(n)))
    throw new InvalidArgumentError('must be "all" or host names separated by commas (e.g. local,node-a)');
  return names;
}

export function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}
