// Levels of detail for a dense time series: a day of samples each second is 86,400 points a series,
// more than a chart has pixels. Level f merges each f consecutive points into their lowest and their
// highest (two points: a peak or a dip is never lost, only thinned), so a chart draws about two
// points per pixel however long the range in view; zoomed in, it gets the samples as taken.
import type uPlot from 'uplot';

/** Merge factors tried, finest first. */
const FACTORS = [1, 4, 16, 64, 256, 1024];

/** Each `factor` points merged into two: their lowest, then their highest (nulls left out). */
export function mergeColumns(data: uPlot.AlignedData, factor: number): uPlot.AlignedData {
  if (factor <= 1) return data;
  const xs = data[0] as number[];
  const n = xs.length;
  const groups = Math.ceil(n / factor);
  const outX = new Array<number>(groups * 2);
  const outYs = data.slice(1).map(() => new Array<number | null>(groups * 2));
  for (let g = 0; g < groups; g++) {
    const from = g * factor;
    const to = Math.min(n, from + factor);
    outX[2 * g] = xs[from]!;
    outX[2 * g + 1] = xs[Math.min(to - 1, from + (factor >> 1))]!;
    for (let c = 1; c < data.length; c++) {
      const col = data[c] as Array<number | null>;
      let lo: number | null = null;
      let hi: number | null = null;
      for (let i = from; i < to; i++) {
        const v = col[i];
        if (v === null || v === undefined) continue;
        if (lo === null || v < lo) lo = v;
        if (hi === null || v > hi) hi = v;
      }
      outYs[c - 1]![2 * g] = lo;
      outYs[c - 1]![2 * g + 1] = hi;
    }
  }
  return [outX, ...outYs] as uPlot.AlignedData;
}

export class DetailLevels {
  readonly #full: uPlot.AlignedData;
  readonly #cache = new Map<number, uPlot.AlignedData>();

  constructor(full: uPlot.AlignedData) {
    this.#full = full;
  }

  /** The coarsest factor needing none: `visible` points over `pixels` at about two points a pixel. */
  factorFor(visible: number, pixels: number): number {
    let chosen = 1;
    for (const f of FACTORS) if ((2 * visible) / f >= pixels) chosen = f;
    return chosen;
  }

  at(factor: number): uPlot.AlignedData {
    let d = this.#cache.get(factor);
    if (!d) {
      d = mergeColumns(this.#full, factor);
      this.#cache.set(factor, d);
    }
    return d;
  }
}
