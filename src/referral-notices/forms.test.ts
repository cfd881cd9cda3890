// The forms' reading: any pair of real dates is accepted exactly when the end is not before the start (and an empty
// end is none, for a rule; required, for a notice), and texts over their limits are refused with the limit named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readNoticeForm, readRuleForm, readTransportForm } from './forms.ts';
import { LIMITS } from './service.ts';

const SPECIALTIES = new Set(['110', '130']);
const day = fc.integer({ min: 0, max: 4000 }).map((n) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const boxes = (name: string, iso: string | null) => {
  if (!iso) return { [`${name}[day]`]: '', [`${name}[month]`]: '', [`${name}[year]`]: '' };
  const [y, m, d] = iso.split('-');
  return { [`${name}[day]`]: String(Number(d)), [`${name}[month]`]: m!, [`${name}[year]`]: y! };
};
const rule = (startsOn: string, endsOn: string | null) => ({ specialty: '110', procedure: '', criteria: 'c', howToApply: 'h', ...boxes('startsOn', startsOn), ...boxes('endsOn', endsOn) });
const notice = (startsOn: string, endsOn: string | null) => ({ kind: 'PAUSE', specialty: '130', provider: 'rr8', service: '', title: 't', body: 'b', ...boxes('startsOn', startsOn), ...boxes('endsOn', endsOn) });

test('property: a rule is read exactly when its end is empty or not before its start', () => {
  fc.assert(fc.property(day, fc.option(day, { nil: null }), (startsOn, endsOn) => {
    const form = readRuleForm(rule(startsOn, endsOn), SPECIALTIES);
    assert.equal(form.ok, endsOn === null || endsOn >= startsOn);
    if (form.ok) assert.deepEqual([form.answer.startsOn, form.answer.endsOn, form.answer.procedure], [startsOn, endsOn, null]);
    else assert.deepEqual(form.errors.map((e) => e.href), ['#endsOn-day']);
  }));
});

test('property: a notice needs an end, not before its start; the provider is read in capitals', () => {
  fc.assert(fc.property(day, fc.option(day, { nil: null }), (startsOn, endsOn) => {
    const form = readNoticeForm(notice(startsOn, endsOn), SPECIALTIES);
    assert.equal(form.ok, endsOn !== null && endsOn >= startsOn);
    if (form.ok) assert.equal(form.answer.provider, 'RR8');
  }));
});

test('an unknown specialty, a date that is not real and texts over their limits are refused with what to do', () => {
  const bad = readRuleForm({ ...rule('2026-12-01', null), specialty: '999', criteria: 'x'.repeat(LIMITS.criteria + 1), 'startsOn[day]': '31', 'startsOn[month]': '2' }, SPECIALTIES);
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.deepEqual(bad.errors.map((e) => e.message), ['Select the specialty that needs prior approval', `The criteria must be ${LIMITS.criteria} characters or fewer`, 'The start date must be a real date']);
    assert.equal(bad.values.criteria.length, LIMITS.criteria + 1, 'what was typed is shown again (cut just past the limit)');
  }
  const title = readNoticeForm({ ...notice('2026-12-01', '2026-12-02'), title: 'x'.repeat(LIMITS.title + 1), kind: 'OPEN' }, SPECIALTIES);
  assert.equal(title.ok, false);
  if (!title.ok) assert.deepEqual(title.errors.map((e) => e.field), ['kind', 'title']);
});

test('the transport policy needs who, how, an https link; a phone number is digits and spaces', () => {
  const good = { summary: 's', whoCanGetHelp: 'w', howToGetHelp: 'h', phone: '0113 496 0123', linkUrl: 'https://www.example.nhs.uk/t', linkText: 'l' };
  assert.equal(readTransportForm(good).ok, true);
  assert.equal(readTransportForm({ ...good, phone: '' }).ok, true, 'the phone is optional');
  for (const [field, value] of [['phone', 'ring us'], ['linkUrl', 'http://example.org/x'], ['linkUrl', 'javascript:alert(1)'], ['whoCanGetHelp', '']] as const) {
    const form = readTransportForm({ ...good, [field]: value });
    assert.equal(form.ok, false, `${field} ${value}`);
    if (!form.ok) assert.deepEqual(form.errors.map((e) => e.field), [field]);
  }
});
