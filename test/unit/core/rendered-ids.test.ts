// A rendered prompt encoded a piece at a time (between special tokens) is the whole text's encoding,
// and a later prompt re-encodes only what follows the text it shares with the earlier one. And the
// template_drift check, fed directly: the wrong tokenizer is said once per session, not per call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnsweredRecord } from '../../../electron/core/analysis/answered.ts';
import { shapeOf } from '../../../electron/core/analysis/answered.ts';
import { templateDriftDetector } from '../../../electron/core/analysis/detectors/template-drift.ts';
import { loadTokenizer } from '../../../electron/core/tokens/chat-tokenizer.ts';
import { encodeRendered } from '../../../electron/core/tokens/rendered-ids.ts';
import type { UpstreamCall } from '../../../shared/domain.ts';
import { sampleBody } from '../../helpers/samples.ts';

const tok = loadTokenizer(null);

test('encoded between special tokens, a rendered OpenClaw prompt has the same ids as encoded whole', () => {
  for (const name of ['default-config-first-call', 'lean-config-flattened-history', 'double-feed-stable-key']) {
    const text = tok.renderPrompt(sampleBody(name));
    const pieces = encodeRendered(tok, text);
    assert.deepEqual([...pieces.ids], tok.encode(text), name);
    assert.ok(pieces.cuts.length >= 3, `${name}: split at its special tokens`);
  }
});

test('a later prompt reuses the ids of the text it shares, and still equals its whole encoding', () => {
  const body = sampleBody('double-feed-stable-key');
  const earlier = encodeRendered(tok, tok.renderPrompt({ ...body, messages: body.messages.slice(0, -2) }));
  const text = tok.renderPrompt(body);
  const later = encodeRendered(tok, text, earlier);
  assert.deepEqual([...later.ids], tok.encode(text));
  const reused = earlier.cuts.filter(([chars]) => text.startsWith(earlier.text.slice(0, chars))).length;
  assert.ok(reused >= 2, 'the shared history was reused');
  assert.deepEqual(later.cuts.slice(0, reused - 1), earlier.cuts.slice(0, reused - 1));
  const changed = encodeRendered(tok, `X${text}`, earlier);
  assert.deepEqual([...changed.ids], tok.encode(`X${text}`), 'nothing reused where the start differs');
});

test('template_drift: a server on another vocabulary is said once per session; a clean call raises nothing', () => {
  const request = { messages: [{ role: 'user' as const, content: 'Hello there' }] };
  const ids = tok.encode(tok.renderPrompt(request));
  const call = { id: 'c1', sessionKey: 's', episodeId: 'e', turnId: null } as UpstreamCall;
  const record = (promptIds: number[]): AnsweredRecord => ({
    callId: 'c1',
    turnId: null,
    shape: shapeOf(request.messages),
    promptIds: Int32Array.from(promptIds),
    outputIds: new Int32Array(),
    answer: { text: '', reasoning: '', toolArgs: [] },
  });
  const check = (promptIds: number[]) =>
    templateDriftDetector.check({ call, record: record(promptIds), earlier: [], request, tokenizer: () => tok });
  assert.equal(check(ids), null);
  const other = check(ids.map((id) => id + 7));
  assert.ok(other && !Array.isArray(other));
  const finding = other as Exclude<typeof other, null | readonly unknown[]>;
  assert.equal(finding.dedupe, 'template-drift-tokenizer:s');
  assert.match(finding.message, /from token 0 on: this tokenizer and template are likely not the server's/);
  const late = check([...ids.slice(0, -3), 11, ...ids.slice(-2)]);
  assert.match((late as typeof finding).message, new RegExp(`at position ${ids.length - 3} `));
  assert.equal((late as typeof finding).dedupe, 'template-drift:c1');
});
