import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { badRequest, notFound, unprocessable } from '../http/problem.ts';
import { problemErrors } from '../web/forms.ts';
import { DISTANCE_CHOICES } from './choices.ts';
import { ENGINE_FIELDS, readCompareForm, tidyPostcode } from './compare-form.ts';

const CODES = new Set(['110', '130']);
const FULL = { specialty: '110', postcode: 'LS1 4AP', sortBy: 'WAIT', distance: '50' };

describe('readCompareForm', () => {
  test('a first visit (none of the fields) is empty, not an error', () => {
    assert.equal(readCompareForm({}, CODES).kind, 'empty');
    assert.equal(readCompareForm(undefined, CODES).kind, 'empty');
    assert.equal(readCompareForm({ utm_source: 'x' }, CODES).kind, 'empty');
  });

  test('a complete form gives the shortlist request', () => {
    const form = readCompareForm(FULL, CODES);
    assert.equal(form.kind, 'valid');
    if (form.kind !== 'valid') return;
    assert.deepEqual(form.request, {
      specialty: '110',
      postcode: 'LS1 4AP',
      sortBy: 'WAIT',
      maxDistanceKm: 80.467,
      maxWaitWeeks: null,
      priority: 'ROUTINE',
      limit: 5,
      age: null,
      sex: null,
    });
  });

  test('each distance choice maps to kilometres; "any" is no limit', () => {
    const km = (distance: string) => {
      const form = readCompareForm({ ...FULL, distance }, CODES);
      assert.equal(form.kind, 'valid');
      return form.kind === 'valid' ? form.request.maxDistanceKm : undefined;
    };
    assert.equal(km('10'), 16.093);
    assert.equal(km('25'), 40.234);
    assert.equal(km('100'), 160.934);
    assert.equal(km('any'), null);
    assert.deepEqual(DISTANCE_CHOICES.map((c) => c.value), ['10', '25', '50', '100', 'any']);
  });

  test('each preference maps to sortBy', () => {
    for (const sortBy of ['WAIT', 'DISTANCE', 'BALANCED'] as const) {
      const form = readCompareForm({ ...FULL, sortBy }, CODES);
      assert.equal(form.kind === 'valid' && form.request.sortBy, sortBy);
    }
  });

  test('postcodes in any case and spacing, and partial postcodes, are accepted', () => {
    for (const [typed, sent] of [['ls14ap', 'LS14AP'], ['  ls1   4ap ', 'LS1 4AP'], ['LS1', 'LS1'], ['ls1 4', 'LS1 4']]) {
      const form = readCompareForm({ ...FULL, postcode: typed }, CODES);
      assert.equal(form.kind, 'valid', typed);
      if (form.kind === 'valid') assert.equal(form.request.postcode, sent);
    }
  });

  test('every missing answer is listed, in the order of the form, with status 400', () => {
    const form = readCompareForm({ specialty: '', postcode: '' }, CODES);
    assert.equal(form.kind, 'invalid');
    if (form.kind !== 'invalid') return;
    assert.equal(form.status, 400);
    assert.deepEqual(form.errors, [
      { field: 'specialty', href: '#specialty', message: 'Select a specialty' },
      { field: 'postcode', href: '#postcode', message: 'Enter a postcode' },
      { field: 'sortBy', href: '#sortBy', message: 'Select what matters most to you' },
      { field: 'distance', href: '#distance', message: 'Select how far you could travel' },
    ]);
  });

  test('what was typed is kept to show again', () => {
    const form = readCompareForm({ ...FULL, postcode: 'NOT A POSTCODE' }, CODES);
    assert.equal(form.kind, 'invalid');
    assert.deepEqual(form.values, { ...FULL, postcode: 'NOT A POSTCODE' });
    if (form.kind === 'invalid') assert.deepEqual(form.errors.map((e) => e.field), ['postcode']);
  });

  test('values outside the choices are refused', () => {
    const form = readCompareForm({ specialty: '999', postcode: 'LS1 4AP', sortBy: 'CHEAPEST', distance: '7' }, CODES);
    assert.equal(form.kind, 'invalid');
    if (form.kind !== 'invalid') return;
    assert.deepEqual(form.errors.map((e) => e.field), ['specialty', 'sortBy', 'distance']);
    assert.equal(form.errors[0]?.message, 'Select a specialty from the list');
  });

  test('without a list of codes any specialty is passed on for the engine to judge', () => {
    assert.equal(readCompareForm({ ...FULL, specialty: 'C_110' }).kind, 'valid');
  });

  test('repeated parameters take the first; non-strings and overlong text are not trusted', () => {
    const form = readCompareForm({ ...FULL, postcode: ['LS1 4AP', 'M1 1AA'], sortBy: { $ne: 1 } }, CODES);
    assert.equal(form.kind, 'invalid');
    assert.equal(form.values.postcode, 'LS1 4AP');
    assert.equal(form.values.sortBy, '');
    const long = readCompareForm({ ...FULL, postcode: 'L'.repeat(500) }, CODES);
    assert.equal(long.kind, 'invalid');
    assert.ok(long.values.postcode.length <= 17);
  });
});

describe('the shortlist engine\'s problems on the form', () => {
  const placed = (problem: Parameters<typeof problemErrors>[0]) => problemErrors(problem, { field: 'postcode', fields: ENGINE_FIELDS });

  test('field problems from the engine go on the matching fields', () => {
    const problem = unprocessable('bad', [
      { field: 'postcode', message: 'We cannot find LS1 9ZZ. Check it.' },
      { field: 'maxDistanceKm', message: 'must be positive' },
    ]);
    assert.deepEqual(placed(problem), [
      { field: 'postcode', href: '#postcode', message: 'We cannot find LS1 9ZZ. Check it' },
      { field: 'distance', href: '#distance', message: 'Must be positive' },
    ]);
  });

  test('other field names and problems without fields are shown on the postcode, with the problem\'s detail', () => {
    assert.deepEqual(placed(badRequest('The limit is too big.', [{ field: 'limit', message: 'too big' }])), [{ field: 'postcode', href: '#postcode', message: 'The limit is too big' }]);
    assert.deepEqual(placed(notFound('no such thing.')), [{ field: 'postcode', href: '#postcode', message: 'No such thing' }]);
  });

  test('body-prefixed field names are understood', () => {
    assert.deepEqual(placed(badRequest('bad', [{ field: 'body.specialty', message: 'x' }])), [{ field: 'specialty', href: '#specialty', message: 'X' }]);
  });
});

test('tidyPostcode', () => {
  assert.equal(tidyPostcode(' ls1\t 4ap '), 'LS1 4AP');
  assert.equal(tidyPostcode('ls1'), 'LS1');
});
