// Recorded text, rendered as text. Very long strings show their first part with a button for the
// rest, so a megabyte prompt opens instantly; nothing is ever cut silently.
import { useEffect, useRef, useState } from 'react';
import { findEvidence } from '../find.ts';
import { bytes } from '../format.ts';

export const LONG_TEXT_LIMIT = 64 * 1024;

/** `find`: text to mark (an alert's evidence), scrolled into view. */
export function LongText({ text, className, find }: { text: string; className?: string; find?: string | null }) {
  const [all, setAll] = useState(false);
  const ref = useRef<HTMLPreElement>(null);
  const ranges = find ? findEvidence(text, find) : [];
  useEffect(() => {
    ref.current?.querySelector('mark')?.scrollIntoView({ block: 'center' });
  }, [find]);
  if (ranges.length)
    return (
      <pre className={className} ref={ref}>
        {marked(text, ranges)}
      </pre>
    );
  if (all || text.length <= LONG_TEXT_LIMIT) return <pre className={className}>{text}</pre>;
  return (
    <div>
      <pre className={className}>{text.slice(0, LONG_TEXT_LIMIT)}</pre>
      <button type="button" className="show-all" onClick={() => setAll(true)}>
        Show all {bytes(text.length)} ({(text.length - LONG_TEXT_LIMIT).toLocaleString()} more characters)
      </button>
    </div>
  );
}

function marked(text: string, ranges: Array<[number, number]>) {
  const out: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    out.push(
      text.slice(at, start),
      <mark key={start} data-testid="found">
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  out.push(text.slice(at));
  return out;
}
