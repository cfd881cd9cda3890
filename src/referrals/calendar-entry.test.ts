// The appointment's calendar entry, read back by a small RFC 5545 parser: unfolded, split into properties, unescaped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIcs } from '../testing/ics.ts';
import { calendarFile, escapeText, foldLine, icsInstant } from './calendar-entry.ts';

const event = {
  uid: 'appointment-42@openchoice.example',
  stamp: new Date('2026-12-02T14:20:05.123Z'),
  start: new Date('2026-12-04T09:30:00Z'),
  end: new Date('2026-12-04T09:45:00Z'),
  summary: 'Hospital appointment: Trauma and Orthopaedics, St James\'s Hospital',
  location: 'St James\'s Hospital, Beckett Street, Leeds, West Yorkshire, LS9 7TF',
  description: 'Reference number 1234 5678 9012.\nBring your letter; arrive 10 minutes early, \\ no later.',
};

describe('calendar entry (.ics)', () => {
  test('one VEVENT in a VCALENDAR with UID, DTSTAMP, DTSTART and DTEND in UTC, SUMMARY and LOCATION', () => {
    const props = parseIcs(calendarFile(event));
    const names = props.map((p) => p.name);
    assert.deepEqual(names.slice(0, 2), ['BEGIN', 'VERSION']);
    assert.deepEqual(props.filter((p) => p.name === 'BEGIN').map((p) => p.value), ['VCALENDAR', 'VEVENT']);
    assert.deepEqual(props.filter((p) => p.name === 'END').map((p) => p.value), ['VEVENT', 'VCALENDAR']);
    assert.equal(props.at(-1)?.value, 'VCALENDAR');
    const get = (name: string) => props.find((p) => p.name === name)?.value;
    assert.equal(get('VERSION'), '2.0');
    assert.ok(get('PRODID'));
    assert.equal(get('UID'), event.uid);
    assert.equal(get('DTSTAMP'), '20261202T142005Z');
    assert.equal(get('DTSTART'), '20261204T093000Z');
    assert.equal(get('DTEND'), '20261204T094500Z');
    assert.equal(get('SUMMARY'), event.summary);
    assert.equal(get('LOCATION'), event.location);
    assert.equal(get('DESCRIPTION'), event.description);
  });

  test('text is escaped: commas, semicolons, backslashes and line breaks', () => {
    assert.equal(escapeText('a, b; c \\ d\ne'), 'a\\, b\\; c \\\\ d\\ne');
    const raw = calendarFile(event);
    assert.match(raw, /LOCATION:St James's Hospital\\, Beckett Street\\,/);
    assert.doesNotMatch(raw.replace(/\r\n/g, ''), /\n/);
  });

  test('long lines fold at 75 octets without splitting a character', () => {
    const long = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldLine(long);
    for (const line of folded.split('\r\n')) assert.ok(new TextEncoder().encode(line).length <= 75);
    assert.equal(folded.replace(/\r\n /g, ''), long);
    assert.equal(foldLine('SHORT:x'), 'SHORT:x');
    assert.equal(icsInstant(new Date('2027-01-02T03:04:05Z')), '20270102T030405Z');
  });
});
