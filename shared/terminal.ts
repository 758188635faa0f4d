// Captured process output made safe for a terminal view. Model replies reach gateway logs, so the
// output is untrusted: it must not clear the screen, move the cursor, rewrite a line, hide text or
// set titles. Colours are kept (SGR, minus "conceal"), everything else that is a control is
// dropped, a lone carriage return becomes a new line, and styles end at each line. The filter is
// stateful so that a sequence split across two chunks is still recognized as one.

const ESC = '\x1b';
const BEL = '\x07';
/** SGR parameters that only colour or weight text; 8 (conceal) would hide what follows. */
const SAFE_SGR = /^[0-9;:]*$/;

export class TerminalFilter {
  /** An escape sequence (or a carriage return) cut at the end of the previous chunk. */
  #tail = '';

  push(chunk: string): string {
    const text = this.#tail + chunk;
    this.#tail = '';
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      const code = c.charCodeAt(0);
      if (c === ESC) {
        const end = sequenceEnd(text, i);
        if (end === -1) {
          this.#tail = text.slice(i); // incomplete: wait for the rest
          break;
        }
        out += keepSgr(text.slice(i, end));
        i = end;
        continue;
      }
      if (c === '\r') {
        if (i + 1 === text.length) {
          this.#tail = '\r';
          break;
        }
        if (text[i + 1] !== '\n') out += '\x1b[0m\n'; // a lone CR would let the next text overwrite this line
        i++;
        continue;
      }
      if (c === '\n') out += '\x1b[0m\n';
      else if (c === '\t') out += c;
      else if (code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code <= 0x9f)) out += c;
      i++;
    }
    return out;
  }
}

/** Where the escape sequence starting at `i` ends (exclusive), or -1 when the text ends first. */
function sequenceEnd(text: string, i: number): number {
  const kind = text[i + 1];
  if (kind === undefined) return -1;
  if (kind === '[') {
    for (let j = i + 2; j < text.length; j++) {
      const code = text.charCodeAt(j);
      if (code >= 0x40 && code <= 0x7e) return j + 1; // the final byte
      if (code < 0x20 || code > 0x3f) return j; // not a CSI after all: drop what was read
    }
    return -1;
  }
  if (kind === ']' || kind === 'P' || kind === 'X' || kind === '^' || kind === '_') {
    // strings (OSC, DCS, SOS, PM, APC) run to BEL or ESC \
    for (let j = i + 2; j < text.length; j++) {
      if (text[j] === BEL) return j + 1;
      if (text[j] === ESC) return text[j + 1] === undefined ? -1 : j + (text[j + 1] === '\\' ? 2 : 0);
    }
    return -1;
  }
  // ESC ( B and friends take one more character; every other ESC x is two characters
  if ('()*+-./#%'.includes(kind)) return text[i + 2] === undefined ? -1 : i + 3;
  return i + 2;
}

/** Keeps a colour sequence (minus conceal); drops every other sequence. */
function keepSgr(seq: string): string {
  if (!seq.startsWith('\x1b[') || !seq.endsWith('m')) return '';
  const params = seq.slice(2, -1);
  if (!SAFE_SGR.test(params)) return '';
  const parts = params === '' ? ['0'] : params.split(';');
  const kept: string[] = [];
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p === '38' || p === '48' || p === '58') {
      // extended colours carry their own numbers (5;n or 2;r;g;b): kept whole, never read as conceal
      const n = parts[k + 1] === '5' ? 2 : parts[k + 1] === '2' ? 4 : 0;
      kept.push(...parts.slice(k, k + 1 + n));
      k += n;
    } else if (p !== '8' && p !== '08') kept.push(p);
  }
  return kept.length ? `\x1b[${kept.join(';')}m` : '';
}

/** Safe terminal text of a whole string (a fresh filter; for text that is not a stream). */
export function terminalSafe(text: string): string {
  return new TerminalFilter().push(text);
}

/** What a process wrote, as plain text: no control sequences at all (what "Copy" puts on the clipboard). */
export function plainText(text: string): string {
  return terminalSafe(text).replace(/\x1b\[[0-9;:]*m/g, '');
}
