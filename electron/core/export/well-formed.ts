// Exports are JSON that every reader takes. A recorded string may hold a lone UTF-16 surrogate (a
// client or model that escaped half a character: "\ud800"); JSON.stringify writes it back as that
// escape, which strict readers (jq among them) refuse. Such strings are written with the lone half
// replaced by U+FFFD, and the row says it was repaired. The store keeps what was received.

/** An escaped surrogate in JSON text: only then is a value looked at string by string. */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** JSON text of `value`, with lone surrogates replaced; `repaired` says whether any was. */
export function wellFormedJson(value: unknown): { text: string; repaired: boolean } {
  const text = JSON.stringify(value);
  if (!ESCAPED_SURROGATE.test(text)) return { text, repaired: false };
  let repaired = false;
  const fixed = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'string' || v.isWellFormed()) return v;
    repaired = true;
    return v.toWellFormed();
  });
  return { text: fixed, repaired };
}
