// The versions previews carry: the same facts give the same version whatever the key order, any change of a fact
// gives another, and the checks refuse exactly what they should.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPreview, isStalePreview, previewVersion, requirePreview } from './preview.ts';
import { Problem } from './problem.ts';

test('a version depends on the facts, not on the order of their keys', () => {
  const at = new Date('2026-12-07T09:00:00Z');
  assert.equal(previewVersion({ a: 1, b: [['x', at]] }), previewVersion({ b: [['x', new Date(at)]], a: 1 }));
  assert.notEqual(previewVersion({ a: 1, b: [['x', at]] }), previewVersion({ a: 1, b: [['x', at], ['y', at]] }), 'one more patient');
  assert.notEqual(previewVersion({ free: 3 }), previewVersion({ free: 4 }));
  assert.notEqual(previewVersion({ list: ['a', 'b'] }), previewVersion({ list: ['b', 'a'] }), 'order of a list counts');
  assert.equal(previewVersion({ a: 1, gone: undefined }), previewVersion({ a: 1 }));
  assert.match(previewVersion({}), /^[A-Za-z0-9_-]{22}$/);
});

test('checkPreview refuses a version that differs, and lets through none or the same', () => {
  assert.doesNotThrow(() => checkPreview(undefined, 'v1', 'It'));
  assert.doesNotThrow(() => checkPreview('v1', 'v1', 'It'));
  assert.throws(() => checkPreview('v0', 'v1', 'The slots'), (e: unknown) => e instanceof Problem && e.status === 409 && isStalePreview(e) && /^The slots changed since the preview/.test(e.detail));
});

test('requirePreview asks for a version only when patients are affected', () => {
  const where = { action: 'Withdrawing these days', what: 'The slots', previewUrl: '/api/v1/x/preview' };
  assert.doesNotThrow(() => requirePreview(undefined, 'v1', 0, where));
  assert.throws(() => requirePreview(undefined, 'v1', 2, where), (e: unknown) =>
    e instanceof Problem && e.status === 422 && !isStalePreview(e) && /affects 2 patients: preview it first \(POST \/api\/v1\/x\/preview\)/.test(e.detail));
  assert.doesNotThrow(() => requirePreview('v1', 'v1', 2, where));
  assert.throws(() => requirePreview('v0', 'v1', 2, where), (e: unknown) => e instanceof Problem && isStalePreview(e));
});
