// What the pictures share: the width of the element a chart is drawn into (measured before the first
// drawing, followed as it resizes), and the legend of coloured swatches above a chart.
import { useLayoutEffect, useState, type RefObject } from 'react';

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
