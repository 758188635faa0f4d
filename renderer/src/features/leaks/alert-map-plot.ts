// The alert map drawn with Observable Plot. Up to RASTER_FROM cells each is an SVG cell with its own
// hover title; past that (1,000 sessions × 50 leaky episodes is 50,000 cells) the map is one raster
// image of a pixel per cell, scaled up without smoothing, and the pointer's cell is worked out from
// the scales for the hover text and the click: 50,000 SVG elements took over a second to lay out.
import * as Plot from '@observablehq/plot';
import type { AlertKind } from '../../../../shared/domain.ts';

export const RASTER_FROM = 5_000;

export interface MapCell {
  /** Its row (a session; zoomed to one session, an episode) and its column (an episode; zoomed, a turn). */
  row: string;
  column: number;
  sessionKey: string;
  episodeId: string;
  episodeIndex: number;
  turnId: string | null;
  turnIndex: number | null;
  /** The kind it raised most. */
  kind: AlertKind;
  total: number;
  kinds: Array<[AlertKind, number]>;
  firstAt: number;
}

/** Height of a session's row: readable rows for a few sessions, thin ones for many. */
function rowPixels(rows: number): number {
  return rows <= 40 ? 22 : rows <= 200 ? 8 : 3;
}

/** The map as an SVG element; `open` is called with the cell clicked. Returns how to undo its listeners. */
export function drawAlertMap(
  cells: MapCell[],
  /** Every row in order (sessions by first alert; zoomed, episodes); those with cells are drawn. */
  order: string[],
  columnLabel: 'episode' | 'turn',
  colour: (k: AlertKind) => string,
  title: (c: MapCell) => string,
  open: (c: MapCell) => void,
): { svg: SVGSVGElement | HTMLElement; dispose: () => void } {
  const present = new Set(cells.map((c) => c.row));
  const rows = order.filter((k) => present.has(k));
  const columns = Math.max(10, cells.reduce((n, c) => Math.max(n, c.column), 0) + 1);
  const rowPx = rowPixels(rows.length);
  const frame = {
    // a cell is 18 px wide at least, however few there are: one leaky episode is still a visible square
    width: Math.min(1100, 160 + columns * 18 + 40),
    height: 40 + rowPx * rows.length,
    marginTop: 8,
    marginBottom: 32,
    marginLeft: 160,
    style: { background: 'transparent', color: 'currentColor' },
  };
  const shortKey = (k: string) => (k.length > 24 ? `${k.slice(0, 23)}…` : k);
  if (cells.length < RASTER_FROM) {
    const svg = Plot.plot({
      ...frame,
      x: {
        domain: Array.from({ length: columns }, (_, i) => i),
        label: columnLabel,
        tickFormat: (i: number) => (i % 5 === 0 ? String(i) : ''),
      },
      y: { domain: rows, label: null, tickFormat: shortKey },
      marks: [
        Plot.cell(cells, {
          x: 'column',
          y: 'row',
          fill: (d: MapCell) => colour(d.kind),
          title,
          inset: rowPx >= 8 ? 1 : 0,
          className: 'alert-map-cells',
        }),
      ],
    });
    const onClick = (e: Event) => {
      const target = e.target as Element & { __data__?: unknown };
      if (!target.closest('.alert-map-cells') || typeof target.__data__ !== 'number') return;
      const c = cells[target.__data__];
      if (c) open(c);
    };
    svg.addEventListener('click', onClick);
    return { svg, dispose: () => svg.removeEventListener('click', onClick) };
  }
  const rowOf = new Map(rows.map((k, i) => [k, i]));
  const at = new Map(cells.map((c) => [`${rowOf.get(c.row)}:${c.column}`, c]));
  const svg = Plot.plot({
    ...frame,
    x: { domain: [0, columns], label: columnLabel, tickFormat: 'd' },
    // row 0 on top, as in the cell map
    y: {
      domain: [0, rows.length],
      reverse: true,
      label: `${rows.length} sessions (hover a row)`,
      tickFormat: () => '',
    },
    marks: [
      Plot.raster(cells, {
        x: (c: MapCell) => c.column + 0.5,
        y: (c: MapCell) => rowOf.get(c.row)! + 0.5,
        fill: (c: MapCell) => colour(c.kind),
        x1: 0,
        x2: columns,
        y1: 0,
        y2: rows.length,
        width: columns,
        height: rows.length,
        imageRendering: 'pixelated',
        className: 'alert-map-raster',
      }),
    ],
  });
  const x = svg.scale('x')!;
  const y = svg.scale('y')!;
  const cellAt = (e: MouseEvent) => {
    // the SVG may be drawn narrower than its own width (max-width: 100%): back to its units first
    const box = svg.getBoundingClientRect();
    const kx = Number(svg.getAttribute('width')) / box.width;
    const ky = Number(svg.getAttribute('height')) / box.height;
    const col = Math.floor(x.invert!((e.clientX - box.left) * kx) as number);
    const row = Math.floor(y.invert!((e.clientY - box.top) * ky) as number);
    return at.get(`${row}:${col}`) ?? null;
  };
  const tip = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  svg.prepend(tip);
  const onMove = (e: MouseEvent) => {
    const c = cellAt(e);
    svg.style.cursor = c ? 'pointer' : 'default';
    tip.textContent = c ? title(c) : ''; // text only: a session key is the user's
  };
  const onClick = (e: MouseEvent) => {
    const c = cellAt(e);
    if (c) open(c);
  };
  svg.addEventListener('mousemove', onMove as EventListener);
  svg.addEventListener('click', onClick as EventListener);
  return {
    svg,
    dispose: () => {
      svg.removeEventListener('mousemove', onMove as EventListener);
      svg.removeEventListener('click', onClick as EventListener);
    },
  };
}
