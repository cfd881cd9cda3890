// The words of the messages in each version: every message to a patient says where to go and whom to call, in
// the version the patient asked for; a carer's copy says whose it is; providers' messages carry no such footer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractText, getDocumentProxy } from 'unpdf';
import type { MessageKind } from '../db/schema.ts';
import { LARGE_PRINT_POINTS, largePrintPdf } from './large-print-pdf.ts';
import { type Personalisation, redact, render, withServiceAddress } from './templates.ts';

const PUBLIC_URL = 'https://openchoice.example.nhs.uk';
const base: Personalisation = withServiceAddress({
  given_name: 'Siân', family_name: 'Evans', ubrn: '123456789012', access_code: 'ABCD-EFGH', specialty: 'Trauma and Orthopaedics',
  options_offered: 5, service: 'Trauma and Orthopaedics – Chapel Allerton Hospital', appointment: 'Tuesday 1 December 2026 at 9:30am',
  contact_name: 'Hyde Park Surgery', contact_phone: '0113 200 1090', contact_by: 'Saturday 2 January 2027', provider: 'Leeds Teaching Hospitals NHS Trust',
  site: 'Chapel Allerton Hospital', distance: '12.3 miles', expected: '4 January 2027', reason: 'needs specialist care', days_left: 3, days_overdue: 2,
}, PUBLIC_URL);

const PATIENT_KINDS: MessageKind[] = [
  'REFERRAL_LETTER', 'BOOKING_CONFIRMATION', 'APPOINTMENT_CANCELLED', 'DEFERRED_TO_PROVIDER', 'PIDMAS_INVITATION', 'PIDMAS_OFFER',
  'PIDMAS_NO_MATCH', 'PIDMAS_NOT_SUITABLE', 'TRANSFERRED',
];

test('every message to a patient, in every version and channel, gives the address of Manage Your Referral and the number to call', () => {
  for (const version of ['standard', 'easy-read', 'welsh']) {
    for (const kind of PATIENT_KINDS) {
      for (const channel of ['letter', 'email', 'sms'] as const) {
        const { body } = render(kind, channel, { ...base, version });
        assert.ok(body.includes('https://openchoice.example.nhs.uk/manage'), `${kind} ${version} ${channel}: ${body}`);
        assert.ok(body.includes('0113 200 1090'), `${kind} ${version} ${channel} has the number`);
        assert.ok(body.includes('Hyde Park Surgery'), `${kind} ${version} ${channel} says whose number it is`);
      }
    }
  }
});

test('no phone number known: the message says so and where to find one, never an empty number', () => {
  const { body } = render('REFERRAL_LETTER', 'letter', { ...base, contact_phone: '' });
  assert.match(body, /contact Hyde Park Surgery\. We do not have their phone number: you can find it at www\.nhs\.uk\/service-search\./);
  assert.doesNotMatch(body, / on \./);
  const welsh = render('REFERRAL_LETTER', 'letter', { ...base, contact_phone: '', contact_name: 'Ysbyty Gwynedd', version: 'welsh' }).body;
  assert.match(welsh, /cysylltwch ag Ysbyty Gwynedd\. Nid oes gennym eu rhif ffôn/);
  assert.match(render('REFERRAL_LETTER', 'letter', { ...base, contact_phone: '', version: 'welsh' }).body, /cysylltwch â Hyde Park Surgery/);
});

test('the access-code letter and the booking confirmation in easy read: short sentences, one a line, the codes each on their own', () => {
  const letter = render('REFERRAL_LETTER', 'letter', { ...base, version: 'easy-read' });
  assert.equal(letter.subject, 'Your NHS referral: you can choose your hospital');
  const lines = letter.body.split('\n');
  assert.ok(lines.includes('Your booking number is 123456789012.'));
  assert.ok(lines.includes('Your access code is ABCD-EFGH.'));
  assert.ok(lines.includes('Keep this letter safe.'));
  assert.ok(lines.includes('Need help? Call Hyde Park Surgery on 0113 200 1090.'));
  // Easy read keeps sentences short: none of its own words runs past 20 words.
  for (const line of lines.slice(0, -1)) for (const sentence of line.split(/(?<=\.)\s/)) assert.ok(sentence.split(/\s+/).length <= 20, sentence);
  const booked = render('BOOKING_CONFIRMATION', 'email', { ...base, version: 'easy-read' });
  assert.deepEqual(booked.body.split('\n').slice(1, 4), ['Your appointment is booked.', 'Where: Trauma and Orthopaedics – Chapel Allerton Hospital.', 'When: Tuesday 1 December 2026 at 9:30am.']);
});

test('the access-code letter and the booking confirmation in Welsh, with the footer in Welsh too', () => {
  const letter = render('REFERRAL_LETTER', 'letter', { ...base, version: 'welsh' });
  assert.equal(letter.subject, 'Eich atgyfeiriad GIG: dewiswch ble i gael eich gweld');
  assert.match(letter.body, /^Annwyl Siân Evans,\n/);
  assert.match(letter.body, /Eich cyfeirnod archebu \(UBRN\) yw 123456789012 a'ch cod mynediad yw ABCD-EFGH\./);
  assert.match(letter.body, /ewch i https:\/\/openchoice\.example\.nhs\.uk\/manage a nodwch y ddau, gyda'ch dyddiad geni/);
  assert.match(letter.body, /ffoniwch Hyde Park Surgery ar 0113 200 1090\./);
  assert.doesNotMatch(letter.body, /Dear|Your booking|call /);
  const booked = render('BOOKING_CONFIRMATION', 'letter', { ...base, appointment: 'Dydd Mawrth 1 Rhagfyr 2026 am 9:30yb', version: 'welsh' });
  assert.equal(booked.subject, "Mae eich apwyntiad GIG wedi'i drefnu");
  assert.match(booked.body, /Dyddiad ac amser: Dydd Mawrth 1 Rhagfyr 2026 am 9:30yb\./);
  assert.match(booked.body, /I newid neu ganslo eich apwyntiad, ewch i https:\/\/openchoice\.example\.nhs\.uk\/manage\./);
});

test('a kind not written in Welsh falls back to English whole, footer included: one language a message', () => {
  const { body } = render('PIDMAS_NO_MATCH', 'letter', { ...base, version: 'welsh' });
  assert.match(body, /^Dear Siân Evans,/);
  assert.match(body, /call Hyde Park Surgery on 0113 200 1090/);
  assert.doesNotMatch(body, /ffoniwch/);
});

test("a carer's copy says whose letter it is; British Sign Language and an interpreter are offered when asked for", () => {
  const copy = render('BOOKING_CONFIRMATION', 'email', { ...base, carer_name: 'Gareth Evans' }).body;
  assert.match(copy, /^This is a copy for Gareth Evans: Siân Evans asked us to send you their NHS letters\.\n/);
  const support = render('BOOKING_CONFIRMATION', 'letter', { ...base, bsl: 'yes', interpreter: 'Polish' }).body;
  assert.match(support, /British Sign Language interpreter: the hospital will book one/);
  assert.match(support, /dial 18001 before the number/);
  assert.match(support, /interpreter for Polish: the hospital will book one for your appointment, free of charge/);
  assert.doesNotMatch(render('BOOKING_CONFIRMATION', 'letter', base).body, /interpreter|copy for/);
});

test('the PIDMAS offer tells the patient how to get in: the address, their UBRN, a new access code and their date of birth', () => {
  const { body } = render('PIDMAS_OFFER', 'letter', base);
  assert.match(body, /go to https:\/\/openchoice\.example\.nhs\.uk\/manage and sign in with your booking reference number \(UBRN\) 123456789012, your access code ABCD-EFGH and your date of birth/);
  assert.match(render('PIDMAS_OFFER', 'letter', redact(base)).body, /your access code ••••-••••/);
});

test("providers' messages have no patient footer", () => {
  const { body } = render('CONTACT_BY_REMINDER', 'email', base);
  assert.doesNotMatch(body, /manage|call|Hyde Park/);
});

test('the large print PDF: its text reads back whole, Welsh letters included, at 18 point or more, in an embedded font', async () => {
  const letter = render('REFERRAL_LETTER', 'letter', { ...base, version: 'welsh', given_name: 'Gwenllïan ŵ ŷ' });
  const pdf = await largePrintPdf({ title: letter.subject!, lang: 'cy', blocks: [...letter.body.split('\n'), { heading: 'Y gwasanaethau' }, { list: ['Un', 'Dau'] }] });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const document = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(document, { mergePages: true });
  const flat = text.replace(/\s+/g, ' ');
  assert.ok(flat.includes('Annwyl Gwenllïan ŵ ŷ Evans,'), flat);
  assert.ok(flat.includes("a'ch cod mynediad yw ABCD-EFGH"), flat);
  // A long address may wrap at a slash; it is all there.
  assert.ok(text.replace(/\s+/g, '').includes('https://openchoice.example.nhs.uk/manage'), flat);
  let smallest = Infinity;
  for (let n = 1; n <= document.numPages; n++) {
    for (const item of (await (await document.getPage(n)).getTextContent()).items) {
      if ('str' in item && item.str.trim()) smallest = Math.min(smallest, Math.hypot(item.transform[0]!, item.transform[1]!));
    }
  }
  assert.ok(smallest >= 16 && smallest === LARGE_PRINT_POINTS, `smallest text ${smallest} pt`);
  const raw = pdf.toString('latin1');
  assert.match(raw, /\/FontFile2/, 'the font is embedded');
  assert.doesNotMatch(raw, /\/BaseFont \/Helvetica/, 'no unembedded standard font');
  assert.match(raw, /\/Lang \(cy\)/);
});
