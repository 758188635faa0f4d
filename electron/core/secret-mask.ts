// Keys an upstream may echo back into what it answers (a model server that repeats its prompt and
// headers, a proxy's error page): what is stored stays as received, but what leaves for a person
// or a trainer — every view, every event, every export — shows a marker in the key's place. Keys
// shorter than MIN_SECRET characters are not masked: "EMPTY" (vLLM's placeholder) or "x" would
// otherwise be cut out of ordinary text.
export const MIN_SECRET = 8;

export class SecretMask {
  readonly #pairs: Array<[needle: string, marker: string]> = [];

  /** `secrets`: a name (upstreamKey, adminKey, …) for each value; short or empty values are skipped. */
  constructor(secrets: Array<{ name: string; value: string | null | undefined }>) {
    const seen = new Set<string>();
    for (const { name, value } of secrets) {
      if (!value || value.length < MIN_SECRET || seen.has(value)) continue;
      seen.add(value);
      const marker = `[redacted ${name}]`;
      this.#pairs.push([value, marker]);
      // as it stands inside JSON text, where a quote or a backslash in it is escaped
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) this.#pairs.push([escaped, marker]);
    }
    // the longest first, so a key that contains another is masked whole
    this.#pairs.sort((a, b) => b[0].length - a[0].length);
  }

  get empty(): boolean {
    return this.#pairs.length === 0;
  }

  text(s: string): string {
    let out = s;
    for (const [needle, marker] of this.#pairs) if (out.includes(needle)) out = out.replaceAll(needle, marker);
    return out;
  }

  /** A JSON value with every key masked (the value itself when none occurs in it). */
  value<T>(v: T): T {
    if (this.empty || v === undefined) return v;
    const json = JSON.stringify(v);
    if (json === undefined) return v;
    const masked = this.text(json);
    return masked === json ? v : (JSON.parse(masked) as T);
  }
}
