import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasNeeds, interpreterLanguage, letterVersion, needsFrom, NO_NEEDS } from './communication-needs.ts';

test('the version of a letter: Welsh for a Welsh speaker (over easy read), easy read when asked, else standard', () => {
  assert.equal(letterVersion(null), 'standard');
  assert.equal(letterVersion({ ...NO_NEEDS, largePrint: true }), 'standard');
  assert.equal(letterVersion({ ...NO_NEEDS, easyRead: true }), 'easy-read');
  assert.equal(letterVersion({ ...NO_NEEDS, language: 'cy' }), 'welsh');
  assert.equal(letterVersion({ ...NO_NEEDS, language: 'cy', easyRead: true }), 'welsh');
  assert.equal(letterVersion({ ...NO_NEEDS, language: 'pl', easyRead: true }), 'easy-read');
});

test('an interpreter for a language no letter is written in; none for Welsh or English', () => {
  assert.equal(interpreterLanguage({ ...NO_NEEDS, language: 'pl' }), 'Polish');
  assert.equal(interpreterLanguage({ ...NO_NEEDS, language: 'ti' }), 'ti');
  assert.equal(interpreterLanguage({ ...NO_NEEDS, language: 'cy' }), null);
  assert.equal(interpreterLanguage(null), null);
});

test('stored needs: nothing asked for is none; odd or partial rows read safely', () => {
  assert.equal(needsFrom(null), null);
  assert.equal(needsFrom({ ...NO_NEEDS }), null);
  assert.equal(needsFrom({ language: 'en' }), null);
  assert.equal(needsFrom('large print'), null);
  assert.deepEqual(needsFrom({ easyRead: true, carer: { name: 'Gareth' } }), { ...NO_NEEDS, easyRead: true, carer: { name: 'Gareth', phone: null, email: null } });
  assert.equal(hasNeeds({ ...NO_NEEDS, britishSignLanguage: true }), true);
});
