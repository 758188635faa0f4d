// What each key does in the label view: a digit saves an unlabeled episode at once, asks before it
// replaces a saved label (Enter confirms, Esc keeps), says so on a key the scale lacks; Enter moves
// on once nothing waits to be saved; nothing is labeled at the queue's end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelKey, type LabelScreen } from '../../../renderer/src/features/rewards/label-keys.ts';

const scale = [0, 0.25, 0.5, 0.75, 1];
const screen = (s: Partial<LabelScreen>): LabelScreen => ({ scale, saved: null, replacing: null, typed: null, ...s });

test('a digit on an unlabeled episode saves its preset at once', () => {
  assert.deepEqual(labelKey('5', screen({})), { do: 'save', value: 1 });
  assert.deepEqual(labelKey('1', screen({})), { do: 'save', value: 0 });
});

test('a digit on a labeled episode asks first; Enter replaces, Esc keeps', () => {
  assert.deepEqual(labelKey('3', screen({ saved: 1 })), { do: 'confirm', value: 0.5 });
  assert.deepEqual(labelKey('Enter', screen({ saved: 1, replacing: 0.5 })), { do: 'save', value: 0.5 });
  assert.deepEqual(labelKey('Escape', screen({ saved: 1, replacing: 0.5 })), { do: 'cancel' });
  assert.equal(labelKey('5', screen({ saved: 1 }))?.do, 'say', 'the same value again changes nothing');
});

test('Enter moves on when nothing waits; a typed value is saved (or confirmed) first', () => {
  assert.deepEqual(labelKey('Enter', screen({ saved: 1 })), { do: 'next' });
  assert.deepEqual(labelKey('Enter', screen({})), { do: 'next' });
  assert.deepEqual(labelKey('Enter', screen({ typed: 0.3 })), { do: 'save', value: 0.3 });
  assert.deepEqual(labelKey('Enter', screen({ saved: 1, typed: 0.3 })), { do: 'confirm', value: 0.3 });
});

test('a digit beyond the scale is said, not ignored; at the queue end nothing is labeled', () => {
  const nine = labelKey('9', screen({}));
  assert.equal(nine?.do, 'say');
  assert.match((nine as { text: string }).text, /No reward on 9: the scale has 5 values \(keys 1–5/);
  assert.equal(labelKey('2', screen({ saved: undefined }))?.do, 'say');
  assert.equal(labelKey('n', screen({ saved: undefined })), null);
  assert.equal(labelKey('x', screen({})), null, 'other keys are left to the page');
});
