import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chosenProviders, providerMaySeePatient, type ReferralChoiceFacts } from './least-data.ts';

const OFFERED: ReferralChoiceFacts = { bookedWith: null, deferredTo: null, heldBy: null, shortlisted: ['RXX', 'RYY', 'RXX'] };

test('a provider that is only offered does not see the patient', () => {
  assert.deepEqual([...chosenProviders(OFFERED)], []);
  assert.equal(providerMaySeePatient(OFFERED, 'RXX'), false);
  assert.equal(providerMaySeePatient(OFFERED, 'RYY'), false);
});

test('booked with it, deferred to it or holding the pathway: that provider alone sees the patient', () => {
  assert.deepEqual([...chosenProviders({ ...OFFERED, bookedWith: 'RYY' })], ['RYY']);
  assert.equal(providerMaySeePatient({ ...OFFERED, bookedWith: 'RYY' }, 'RXX'), false);
  assert.equal(providerMaySeePatient({ ...OFFERED, deferredTo: 'RXX' }, 'RXX'), true);
  assert.equal(providerMaySeePatient({ ...OFFERED, deferredTo: 'RXX' }, 'RYY'), false);
  // A waiting list loaded from the provider, or a pathway moved to it by mutual aid, with no shortlist at all.
  assert.equal(providerMaySeePatient({ bookedWith: null, deferredTo: null, heldBy: 'RZZ', shortlisted: [] }, 'RZZ'), true);
});

test('a referral sent to one named provider has chosen it, whatever number of its services are offered', () => {
  assert.equal(providerMaySeePatient({ ...OFFERED, shortlisted: ['RXX'] }, 'RXX'), true);
  assert.equal(providerMaySeePatient({ ...OFFERED, shortlisted: ['RXX', 'RXX'] }, 'RXX'), true);
  assert.equal(providerMaySeePatient({ ...OFFERED, shortlisted: [] }, 'RXX'), false);
});

test('the choice moves with the booking: the provider left behind stops seeing the patient', () => {
  const before = { ...OFFERED, bookedWith: 'RXX' };
  const after = { ...OFFERED, bookedWith: 'RYY' };
  assert.equal(providerMaySeePatient(before, 'RXX'), true);
  assert.equal(providerMaySeePatient(after, 'RXX'), false);
});

test('postcodes in words are cut to their district', async () => {
  const { coarsenPostcodes } = await import('./postcode.ts');
  assert.equal(coarsenPostcodes('3.1 miles from LS1 4AP, ranked 2 of 5'), '3.1 miles from LS1, ranked 2 of 5');
  assert.equal(coarsenPostcodes('from SW1A 1AA or M1 1AE; LS1 stays'), 'from SW1A or M1; LS1 stays');
});
