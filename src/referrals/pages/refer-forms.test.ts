import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PostcodeDirectory } from '../../reference/postcodes.ts';
import { homePostcodeError, originPostcodeError } from './refer-checks.ts';
import { readClinical, readPatient, readPreferences, readShortlist } from './refer-forms.ts';

const TODAY = '2026-05-01';
const CODES = new Set(['110']);
const patient = (fields: Record<string, string>) =>
  readPatient({ nhsNumber: '999 000 0018', givenName: 'Ann', familyName: 'Smith', 'dob[day]': '31', 'dob[month]': '1', 'dob[year]': '1970', postcode: 'LS1 4AP', specialty: '110', ...fields }, CODES, TODAY);

describe('the patient details form', () => {
  test('nothing given: each required field in the summary, in the page\'s order, linked to its box', () => {
    const form = readPatient({}, CODES, TODAY);
    assert.ok(!form.ok);
    assert.deepEqual(form.errors.map((e) => [e.href, e.message]), [
      ['#nhsNumber', 'Enter the patient\'s NHS number'],
      ['#givenName', 'Enter the patient\'s first name'],
      ['#familyName', 'Enter the patient\'s last name'],
      ['#dob-day', 'Enter the patient\'s date of birth'],
      ['#postcode', 'Enter the patient\'s postcode'],
      ['#specialty', 'Select what the patient is referred for'],
    ]);
  });

  test('a good form is the typed answer: NHS number digits, the postcode in its normal form, optional fields null', () => {
    const form = patient({ postcode: 'ls14ap', address: '12 Park Row\r\n\r\nLeeds ' });
    assert.ok(form.ok);
    assert.deepEqual(form.answer, {
      nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Smith', dob: '1970-01-31', address: ['12 Park Row', 'Leeds'],
      postcode: 'LS1 4AP', email: null, mobile: null, specialty: '110',
    });
  });

  test('each rule of each field', () => {
    const messages = (fields: Record<string, string>) => {
      const form = patient(fields);
      return form.ok ? [] : form.errors.map((e) => `${e.href} ${e.message}`);
    };
    assert.deepEqual(messages({ nhsNumber: '12345' }), ['#nhsNumber NHS number must be 10 numbers']);
    assert.deepEqual(messages({ nhsNumber: '1234567890' }), ['#nhsNumber Enter a valid NHS number']);
    assert.deepEqual(messages({ 'dob[month]': '' }), ['#dob-month Date of birth must include a month']);
    assert.deepEqual(messages({ 'dob[day]': '30', 'dob[month]': '2' }), ['#dob-day Date of birth must be a real date']);
    assert.deepEqual(messages({ 'dob[year]': '2027' }), ['#dob-day Date of birth must be in the past']);
    assert.deepEqual(messages({ 'dob[year]': '1890' }), ['#dob-year Date of birth must be within the last 130 years']);
    assert.deepEqual(messages({ postcode: 'LS1' }), ['#postcode Enter a full postcode, like LS1 4AP']);
    assert.deepEqual(messages({ address: 'a\nb\nc\nd\ne\nf' }), ['#address Address must be 5 lines or fewer, without the postcode']);
    assert.deepEqual(messages({ address: 'x'.repeat(101) }), ['#address Each line of the address must be 100 characters or fewer']);
    assert.deepEqual(messages({ email: 'ann@' }), ['#email Enter an email address in the correct format, like name@example.com']);
    assert.deepEqual(messages({ mobile: '0113 496 0000' }), ['#mobile Enter a UK mobile number, like 07700 900 982']);
    assert.deepEqual(messages({ specialty: '999' }), ['#specialty Select a specialty from the list']);
  });
});

describe('the other questions', () => {
  test('what matters: the other postcode is checked when distance is measured from it, whatever else is wrong', () => {
    const form = readPreferences({ origin: 'other', originPostcode: 'nowhere', distance: '50' });
    assert.ok(!form.ok);
    assert.deepEqual(form.errors.map((e) => e.message), ['Select what matters most to the patient', 'Enter a real postcode, like LS1 4AP']);
    const missing = readPreferences({ sortBy: 'WAIT', origin: 'other', distance: '50' });
    assert.ok(!missing.ok);
    assert.deepEqual(missing.errors, [{ field: 'originPostcode', href: '#originPostcode', message: 'Enter the postcode to measure distance from' }]);
    const other = readPreferences({ sortBy: 'DISTANCE', origin: 'other', originPostcode: 'ls1 4', distance: 'any' });
    assert.ok(other.ok);
    assert.deepEqual(other.answer, { sortBy: 'DISTANCE', originPostcode: 'LS1 4', distance: 'any', maxDistanceKm: null });
    const home = readPreferences({ sortBy: 'WAIT', origin: 'home', originPostcode: 'ignored', distance: '10' });
    assert.ok(home.ok);
    assert.equal(home.answer.originPostcode, null);
  });

  test('the services: only those offered, each once; at least one, at most 20', () => {
    const offered = new Set(Array.from({ length: 25 }, (_, i) => `S${i}`));
    const form = readShortlist({ services: ['S2', 'S1', 'S2', 'nope'] }, offered);
    assert.ok(form.ok);
    assert.deepEqual(form.answer.services, ['S2', 'S1']);
    const none = readShortlist({ services: 'nope' }, offered);
    assert.ok(!none.ok);
    assert.deepEqual(none.errors, [{ field: 'services', href: '#services', message: 'Select at least one service to offer the patient' }]);
    const many = readShortlist({ services: [...offered] }, offered);
    assert.ok(!many.ok);
    assert.equal(many.errors[0]?.message, 'Select 20 services or fewer');
  });

  test('clinical details', () => {
    const none = readClinical({ clinicalSummary: 'x'.repeat(10_001) });
    assert.ok(!none.ok);
    assert.deepEqual(none.errors.map((e) => e.message), ['Select the priority of the referral', 'Clinical summary must be 10,000 characters or fewer']);
    const good = readClinical({ priority: 'TWO_WEEK_WAIT', clinicalSummary: ' Lump ' });
    assert.ok(good.ok);
    assert.deepEqual(good.answer, { priority: 'TWO_WEEK_WAIT', clinicalSummary: 'Lump' });
  });
});

describe('postcodes checked against the postcode directory, on the page where each is given', () => {
  // The directory as the pages see it: LS1 4AP and the district LS2 are known, nothing else.
  const postcodes = {
    lookup: async (input: string) => {
      const p = input.trim().toUpperCase();
      if (p === 'LS1 4AP' || p === 'LS2') return { found: { postcode: p, latitude: 53.8, longitude: -1.55, precision: p === 'LS2' ? 'outcode' : 'postcode' } };
      return /^[A-Z]{1,2}\d/.test(p) ? { unknown: p } : { malformed: true };
    },
  } as unknown as PostcodeDirectory;

  test('the home postcode: known passes; unknown is refused against its box with what to do', async () => {
    assert.equal(await homePostcodeError(postcodes, 'LS1 4AP'), null);
    assert.deepEqual(await homePostcodeError(postcodes, 'ZZ99 9ZZ'), {
      field: 'postcode', href: '#postcode', message: 'We cannot find ZZ99 9ZZ. Check the patient\'s postcode and enter it again',
    });
  });

  test('postcodes outside Great Britain are said to be so, not called mistakes', async () => {
    assert.match((await homePostcodeError(postcodes, 'BT1 1AA'))!.message, /^BT1 1AA is in Northern Ireland: /);
    assert.match((await homePostcodeError(postcodes, 'IM1 1AA'))!.message, /^IM1 1AA is in the Isle of Man: /);
    assert.match((await originPostcodeError(postcodes, 'JE2 3AB'))!.message, /^JE2 3AB is in the Channel Islands: /);
  });

  test('another origin: a known district passes; unknown is refused against its own box, offering the first part', async () => {
    assert.equal(await originPostcodeError(postcodes, 'LS2'), null);
    assert.deepEqual(await originPostcodeError(postcodes, 'LS99 9ZZ'), {
      field: 'originPostcode', href: '#originPostcode', message: 'We cannot find LS99 9ZZ. Check the postcode, or enter the first part only, like LS99',
    });
  });
});
