// Sentences kept in the API's words reach patients' pages with their dates written for people (issue 9, defect 8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDatesIn } from './filters.ts';

test('ISO dates and instants inside a sentence are written as people read them', () => {
  assert.equal(formatDatesIn('Expected to see you by 2026-12-04, about 20 weeks sooner'), 'Expected to see you by 4 December 2026, about 20 weeks sooner');
  assert.equal(formatDatesIn('Booked for 2026-12-04T09:30:00Z'), 'Booked for Friday 4 December 2026 at 9:30am');
  assert.equal(formatDatesIn('Indicative wait 12 weeks (RTT April 2026)'), 'Indicative wait 12 weeks (RTT April 2026)');
  assert.equal(formatDatesIn('UBRN 123456789012'), 'UBRN 123456789012');
});
