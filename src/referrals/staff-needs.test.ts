// The communication needs as staff pages show them (staffNeedsRows): said of the patient, each need once, the
// carer with how to reach them, and nothing at all when none were recorded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CommunicationNeeds, NO_NEEDS } from '../domain/communication-needs.ts';
import { staffNeedsRows } from './communication-needs.ts';

const needs = (some: Partial<CommunicationNeeds>): CommunicationNeeds => ({ ...NO_NEEDS, ...some });
const said = (n: CommunicationNeeds | null) => staffNeedsRows(n).map((r) => `${r.key.text}: ${r.value.text}`);

test('no needs, or none recorded: no rows, so the page says nothing', () => {
  assert.deepEqual(staffNeedsRows(null), []);
  assert.deepEqual(staffNeedsRows(NO_NEEDS), []);
});

test('each need in staff wording', () => {
  assert.deepEqual(said(needs({ largePrint: true })), ['Communication needs: The patient needs information in large print.']);
  assert.deepEqual(said(needs({ easyRead: true, language: 'cy' })), ['Communication needs: The patient needs information in easy read and Welsh.']);
  assert.deepEqual(said(needs({ language: 'ar' })), ['Communication needs: The patient needs an interpreter who speaks Arabic.']);
  // A language the pages do not list is still said, by its code.
  assert.deepEqual(said(needs({ language: 'ti' })), ['Communication needs: The patient needs an interpreter who speaks ti.']);
  assert.deepEqual(said(needs({ britishSignLanguage: true })), ['Communication needs: The patient needs a British Sign Language (BSL) interpreter.']);
  assert.deepEqual(said(needs({ largePrint: true, easyRead: true, language: 'pl', britishSignLanguage: true })), [
    'Communication needs: The patient needs information in large print and easy read, an interpreter who speaks Polish and a British Sign Language (BSL) interpreter.',
  ]);
});

test('the carer, with how to reach them: alone, with one way, or with none given', () => {
  assert.deepEqual(said(needs({ carer: { name: 'Sam Carer', phone: '07700 900456', email: 'sam@example.org' } })), [
    'Carer to contact: The patient wants their carer, Sam Carer, contacted too: phone 07700 900456 and email sam@example.org.',
  ]);
  assert.deepEqual(said(needs({ largePrint: true, carer: { name: 'Sam Carer', phone: null, email: 'sam@example.org' } })), [
    'Communication needs: The patient needs information in large print.',
    'Carer to contact: The patient wants their carer, Sam Carer, contacted too: email sam@example.org.',
  ]);
  assert.deepEqual(said(needs({ carer: { name: 'Sam Carer', phone: null, email: null } })), [
    'Carer to contact: The patient wants their carer, Sam Carer, contacted too: no phone number or email was given.',
  ]);
});
