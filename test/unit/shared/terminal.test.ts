import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainText, TerminalFilter, terminalSafe } from '../../../shared/terminal.ts';

const R = '\x1b[0m';

test('colours stay; clearing, cursor moves, titles, links and hidden text do not', () => {
  const forged = 'real line\n\x1b[2J\x1b[3J\x1b[H\x1b[1;1fFORGED: all checks passed\n';
  assert.equal(terminalSafe(forged), `real line${R}\nFORGED: all checks passed${R}\n`);
  assert.equal(terminalSafe('\x1b[31mred\x1b[39m plain'), '\x1b[31mred\x1b[39m plain');
  assert.equal(
    terminalSafe('\x1b[38;5;8mgrey\x1b[0m'),
    '\x1b[38;5;8mgrey\x1b[0m',
    '256-colour 8 is a colour, not conceal',
  );
  assert.equal(terminalSafe('a\x1b[8mhidden\x1b[1;8mbold'), 'ahidden\x1b[1mbold', 'conceal is dropped');
  assert.equal(terminalSafe('x\x1b]0;title\x07y\x1b]52;c;aGk=\x1b\\z'), 'xyz', 'OSC title and clipboard');
  assert.equal(terminalSafe('\x1b]8;;javascript:alert(1)\x1b\\link\x1b]8;;\x1b\\'), 'link');
  assert.equal(
    terminalSafe('a\x1bPq#0;1;2\x1b\\b\x1bcC\x1b7D\x1b8\x1b(BE'),
    'abCDE',
    'DCS, reset, save/restore, charset',
  );
  assert.equal(terminalSafe('good\rEVIL\n'), `good${R}\nEVIL${R}\n`, 'a lone CR cannot overwrite the line');
  assert.equal(terminalSafe('a\r\nb'), `a${R}\nb`);
  assert.equal(terminalSafe('ab\b\bXY\x00\x7f\u009b2J'), 'abXY2J', 'backspace, NUL, DEL and 8-bit CSI are dropped');
});

test('a sequence split across chunks is recognized as one', () => {
  const f = new TerminalFilter();
  assert.equal(f.push('before\x1b[2'), 'before');
  assert.equal(f.push('J after\x1b[3'), ' after');
  assert.equal(f.push('1mred'), '\x1b[31mred');
  assert.equal(f.push('line\r'), 'line');
  assert.equal(f.push('overwrite'), `${R}\noverwrite`);
  assert.equal(f.push('\x1b]0;ti'), '');
  assert.equal(f.push('tle\x07done'), 'done');
});

test('plain text is what the process wrote, without any control sequence', () => {
  assert.equal(plainText('\x1b[32mok\x1b[39m line\n\x1b[2Jnext'), 'ok line\nnext');
});
