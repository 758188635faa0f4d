// Reward presets on the number keys.

/** The preset a digit key gives: 1–9 are the scale's first nine values, 0 its tenth. */
export function presetFor(key: string, scale: number[]): number | null {
  if (!/^[0-9]$/.test(key)) return null;
  const i = key === '0' ? 9 : Number(key) - 1;
  return i < scale.length ? scale[i]! : null;
}

/** The keys that pick a preset on this scale: "1–5", "1–9 and 0" for ten. */
export function presetKeys(scale: number[]): string {
  const n = Math.min(scale.length, 10);
  if (n === 0) return 'none';
  if (n === 1) return '1';
  return n <= 9 ? `1–${n}` : '1–9 and 0';
}

/** What to say about a digit that picks nothing on this scale (null: it picks a preset, or is no digit). */
export function noPreset(key: string, scale: number[]): string | null {
  if (!/^[0-9]$/.test(key) || presetFor(key, scale) !== null) return null;
  return `No reward on ${key}: the scale has ${scale.length} values (keys ${presetKeys(scale)}; Settings changes it)`;
}
