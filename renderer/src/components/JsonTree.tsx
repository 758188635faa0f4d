// Recorded JSON as a collapsible tree (react-json-view-lite: text only, never HTML), three levels
// open (a request's messages show role and content), with a switch to the exact text. What does not
// parse shows as text only.
import { useMemo, useState } from 'react';
import { darkStyles, defaultStyles, JsonView } from 'react-json-view-lite';
import 'react-json-view-lite/dist/index.css';
import { LongText } from './LongText.tsx';

/** Beyond these the tree would cost more than it helps: the text view (with "show all") stays. */
const TREE_MAX_CHARS = 2 * 1024 * 1024;
const TREE_MAX_DEPTH = 64;

/** How deep the JSON text nests (brackets outside strings): hostile input can nest thousands deep. */
function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

export function JsonTree({ text, label, pretty }: { text: string; label: string; pretty?: string }) {
  const parsed = useMemo(() => {
    if (text.length > TREE_MAX_CHARS || depthOf(text) > TREE_MAX_DEPTH) return undefined;
    try {
      const v: unknown = JSON.parse(text);
      return v !== null && typeof v === 'object' ? (v as object) : undefined;
    } catch {
      return undefined;
    }
  }, [text]);
  const [asText, setAsText] = useState(false);
  const dark = document.documentElement.dataset.theme === 'dark';
  if (!parsed) return <LongText className="json" text={pretty ?? text} />;
  return (
    <div className="json-tree" data-testid="json-tree">
      <label className="inline small">
        <input type="checkbox" checked={asText} onChange={(e) => setAsText(e.target.checked)} /> as text
      </label>
      {asText ? (
        <LongText className="json" text={pretty ?? text} />
      ) : (
        <div className="json" aria-label={label}>
          <JsonView data={parsed} shouldExpandNode={(level) => level < 3} style={dark ? darkStyles : defaultStyles} />
        </div>
      )}
    </div>
  );
}
