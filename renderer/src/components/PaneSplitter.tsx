// The bar between two stacked panes: drag it (or focus it and press ↑/↓) to give the lower pane more
// or less height. The height is reported while moving and once more when the move ends, to be kept.
import { useRef } from 'react';

const STEP = 24;

export function PaneSplitter({
  height,
  min,
  max,
  onMove,
  onDone,
  label,
}: {
  height: number;
  min: number;
  max: number;
  onMove(height: number): void;
  onDone(height: number): void;
  label: string;
}) {
  const start = useRef<{ y: number; height: number } | null>(null);
  const clamp = (h: number) => Math.round(Math.min(max, Math.max(min, h)));
  return (
    <div
      className="pane-splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label={label}
      aria-valuenow={height}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      data-testid="pane-splitter"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { y: e.clientY, height };
      }}
      onPointerMove={(e) => {
        if (start.current) onMove(clamp(start.current.height - (e.clientY - start.current.y)));
      }}
      onPointerUp={(e) => {
        if (!start.current) return;
        onDone(clamp(start.current.height - (e.clientY - start.current.y)));
        start.current = null;
      }}
      onKeyDown={(e) => {
        if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
        e.preventDefault();
        onDone(clamp(height + (e.key === 'ArrowUp' ? STEP : -STEP)));
      }}
    />
  );
}
