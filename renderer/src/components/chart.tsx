// What the pictures share: the width of the element a chart is drawn into (measured before the first
// drawing, followed as it resizes), a chart redrawn at that width, and the legend above a chart.
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** The element's width in CSS pixels (at least `min`); null until measured. */
export function useChartWidth(host: RefObject<HTMLElement | null>, min = 320): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(min, el.clientWidth));
    measure();
    const seen = new ResizeObserver(measure);
    seen.observe(el);
    return () => seen.disconnect();
  }, [host, min]);
  return width;
}

/**
 * A chart drawn by `draw` at the host's width into the returned host, again when the width or one of
 * `deps` changes; null draws nothing.
 */
export function usePlot(draw: (width: number) => Element | null, deps: unknown[], minWidth = 320) {
  const host = useRef<HTMLDivElement>(null);
  const width = useChartWidth(host, minWidth);
  useEffect(() => {
    const el = host.current;
    if (!el || width === null) return;
    const chart = draw(width);
    if (chart) el.replaceChildren(chart);
    else el.replaceChildren();
  }, [width, ...deps]);
  return host;
}

export function Legend({ items }: { items: Array<{ key: string; label: string; colour: string }> }) {
  return (
    <>
      {items.map((i) => (
        <span key={i.key} className="legend" data-kind={i.key}>
          <span className="swatch" style={{ background: i.colour }} /> {i.label}
        </span>
      ))}
    </>
  );
}
