// Reward presets on the number keys.

/** The preset a digit key gives: 1–9 are the scale's first nine values, 0 its tenth. */
export function presetFor(key: string, scale: number[]): number | null {
  if (!/^[0-9]$/.test(key)) return null;
  const i = key === '0' ? 9 : Number(key) - 1;
  return i < scale.length ? scale[i]! : null;
}
