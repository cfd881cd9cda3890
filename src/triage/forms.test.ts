import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readAdvice, readConsultant, readOutcome, readRedirect, readReject } from './forms.ts';

const errors = (form: { ok: boolean; errors?: { href: string; message: string }[] }) => (form.ok ? [] : form.errors!.map((e) => `${e.href} ${e.message}`));

describe('the triage forms', () => {
  test('an outcome must be chosen from the four', () => {
    assert.deepEqual(errors(readOutcome({})), ['#outcome Select the outcome of triage']);
    assert.deepEqual(errors(readOutcome({ outcome: 'MAYBE' })), ['#outcome Select the outcome of triage']);
    const ok = readOutcome({ outcome: 'REDIRECT' });
    assert.ok(ok.ok && ok.answer.outcome === 'REDIRECT');
  });

  test('providers to offer: only those shown count, at least one; the reason, if given, from the list', () => {
    const shown = new Set(['a', 'b', 'c']);
    assert.deepEqual(errors(readConsultant({ services: ['x'] }, shown)), ['#services Select at least one provider to offer the patient']);
    assert.deepEqual(errors(readConsultant({ services: 'a', fewerProvidersReason: 'BECAUSE' }, shown)), ['#fewerProvidersReason Select why fewer than 5 providers are offered']);
    const ok = readConsultant({ services: ['b', 'a', 'b', 'x'], fewerProvidersReason: 'PATIENT_ASKED', note: '' }, shown);
    assert.ok(ok.ok);
    assert.deepEqual(ok.answer, { services: ['b', 'a'], fewerProvidersReason: 'PATIENT_ASKED', note: null });
    const none = readConsultant({ services: ['a'] }, shown);
    assert.ok(none.ok && none.answer.fewerProvidersReason === null, 'no reason is fine here: the rule on how many is the service\'s');
  });

  test('advice, the community service and the rejection reason are each required', () => {
    assert.deepEqual(errors(readAdvice({ advice: '   ' })), ['#advice Enter your advice to the referrer']);
    assert.deepEqual(errors(readRedirect({})), ['#communityService Enter the community service the patient should be referred to']);
    assert.deepEqual(errors(readReject({ reason: 'NOPE' })), ['#reason Select why the referral is rejected']);
    const ok = readReject({ reason: 'WRONG_SPECIALTY', note: 'See ENT' });
    assert.ok(ok.ok && ok.answer.note === 'See ENT');
  });
});
