// Captured terminal output with its colours, rendered as text: the output is made terminal-safe
// first (shared/terminal.ts), then anser splits it into coloured runs that become plain spans.
import Anser from 'anser';
import { useMemo } from 'react';
import { terminalSafe } from '../../../shared/terminal.ts';

export function AnsiText({ text, label }: { text: string; label: string }) {
  const runs = useMemo(() => Anser.ansiToJson(terminalSafe(text), { json: true, remove_empty: true }), [text]);
  return (
    <pre className="logs-text" aria-label={label}>
      {runs.map((r, i) => (
        <span
          key={i}
          style={{
            color: r.fg ? `rgb(${r.fg})` : undefined,
            backgroundColor: r.bg ? `rgb(${r.bg})` : undefined,
            fontWeight: r.decorations.includes('bold') ? 600 : undefined,
            opacity: r.decorations.includes('dim') ? 0.7 : undefined,
            fontStyle: r.decorations.includes('italic') ? 'italic' : undefined,
            textDecoration: r.decorations.includes('underline') ? 'underline' : undefined,
          }}
        >
          {r.content}
        </span>
      ))}
    </pre>
  );
}
