// Recorded text, rendered as text. Very long strings show their first part with a button for the
// rest, so a megabyte prompt opens instantly; nothing is ever cut silently.
import { useState } from 'react';
import { bytes } from '../format.ts';

export const LONG_TEXT_LIMIT = 64 * 1024;

export function LongText({ text, className }: { text: string; className?: string }) {
  const [all, setAll] = useState(false);
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
