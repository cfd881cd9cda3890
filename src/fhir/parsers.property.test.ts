// Property tests for the FHIR search parsers: what any client may send, not only the examples in the other tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Problem } from '../http/problem.ts';
import { addDays } from '../slots/london-time.ts';
import { idOfReference } from './references.ts';
import { tokenCode } from './search-parameters.ts';
import { slotWindow } from './slot-dates.ts';

const ID = fc.stringMatching(/^[A-Za-z0-9\-.]{1,64}$/);
const TYPE = fc.constantFrom('Slot', 'Schedule', 'HealthcareService', 'ServiceRequest', 'Appointment');
const SYSTEM = fc.webUrl();

test('a reference names its id however it is written: relative, absolute or bare (where allowed), and never another type\'s', () => {
  fc.assert(
    fc.property(TYPE, TYPE, ID, fc.webUrl(), (type, other, id, base) => {
      assert.equal(idOfReference(`${type}/${id}`, type), id);
      assert.equal(idOfReference(`${base}/${type}/${id}`, type), id);
      assert.equal(idOfReference(id, type, { bareId: true }), id);
      assert.equal(idOfReference(id, type), null, 'a bare id only where search allows it');
      if (other !== type) assert.equal(idOfReference(`${other}/${id}`, type), null);
    }),
  );
});

test('a reference with a character an id cannot hold names nothing', () => {
  fc.assert(
    fc.property(TYPE, fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !/^[A-Za-z0-9\-.]{1,64}$/.test(s) && !s.includes('/') && !s.includes('?')), (type, bad) => {
      assert.equal(idOfReference(`${type}/${bad}`, type), null);
      assert.equal(idOfReference(bad, type, { bareId: true }), null);
    }),
  );
});

test('a token is its code in its own system or none named, and null in another system', () => {
  const CODE = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('|'));
  fc.assert(
    fc.property(SYSTEM, SYSTEM, CODE, (system, other, code) => {
      assert.equal(tokenCode(code, system), code);
      assert.equal(tokenCode(`|${code}`, system), code);
      assert.equal(tokenCode(`${system}|${code}`, system), code);
      if (other !== system) assert.equal(tokenCode(`${other}|${code}`, system), null);
    }),
  );
});

const now = new Date('2026-07-01T12:00:00Z');
const DAY = fc.integer({ min: 0, max: 150 }).map((n) => addDays('2026-07-01', n));

test('date prefixes on Slot.start: ge d ≤ eq d and the window is a London day; gt d is ge d+1; le d is lt d+1', () => {
  fc.assert(
    fc.property(DAY, (d) => {
      const w = (...v: string[]) => {
        const { from, to } = slotWindow(v, { now, defaultWeeks: 12, maxWeeks: 26 });
        return [from.getTime(), to.getTime()];
      };
      const [eqFrom, eqTo] = w(d);
      const hours = (eqTo! - eqFrom!) / 3_600_000;
      assert.ok([23, 24, 25].includes(hours), `a London day is 23, 24 or 25 hours, not ${hours}`);
      assert.deepEqual(w(`ge${d}`, `le${d}`), [eqFrom, eqTo]);
      assert.deepEqual(w(`gt${d}`, `lt${addDays(d, 3)}`), w(`ge${addDays(d, 1)}`, `le${addDays(d, 2)}`));
    }),
  );
});

test('any other text for Slot.start is a 400, never a failure', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (text) => {
      try {
        slotWindow([text], { now, defaultWeeks: 12, maxWeeks: 26 });
      } catch (err) {
        assert.ok(err instanceof Problem && err.status === 400, `${JSON.stringify(text)}: ${String(err)}`);
      }
    }),
  );
});
