// Each journey writes its messages to the outbox in the same transaction as the change: a change that fails
// writes none.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enqueueMessage } from './enqueue.ts';
import { type Journeys, outboxOf, startJourneys } from '../testing/journeys.ts';

let j: Journeys;
before(async () => {
  j = await startJourneys('outbox');
});
after(() => j.close());

describe('outbox', () => {
  test('a new referral queues the UBRN and access code letter by post, and by email and text when given', async () => {
    const postOnly = await j.newReferral();
    const rows = await outboxOf(j.database, postOnly.ubrn);
    assert.deepEqual(rows.map((r) => [r.kind, r.channel, r.audience, r.status]), [['REFERRAL_LETTER', 'letter', 'patient', 'pending']]);
    assert.equal(rows[0]!.recipient, 'Bea Jones\nLS1 4AP');
    const p = rows[0]!.personalisation as Record<string, unknown>;
    // In clear until sent: it has to be printed.
    assert.equal(p.access_code, postOnly.accessCode);
    assert.equal(p.ubrn, postOnly.ubrn);
    assert.equal(p.specialty, 'Trauma and Orthopaedics');

    const all = await j.newReferral({ email: 'bea@example.com', mobile: '07700900123' });
    const channels = (await outboxOf(j.database, all.ubrn)).map((r) => [r.channel, r.recipient]);
    assert.deepEqual(channels, [['letter', 'Bea Jones\nLS1 4AP'], ['email', 'bea@example.com'], ['sms', '07700900123']]);

    // With the postal address, the letter has what GOV.UK Notify needs: name, address lines, postcode.
    const addressed = await j.newReferral({ addressLines: ['1 Park Row', 'Leeds'] });
    assert.equal((await outboxOf(j.database, addressed.ubrn))[0]!.recipient, 'Bea Jones\n1 Park Row\nLeeds\nLS1 4AP');
  });

  test('booking queues a confirmation; a booking that fails queues nothing', async () => {
    const a = await j.newReferral({ email: 'bea@example.com' });
    const b = await j.newReferral({ email: 'bea@example.com' });
    const slot = await j.publishSlot('S2-110');
    assert.equal((await j.book(a.ubrn, slot, a.patient)).statusCode, 201);
    const confirmation = (await outboxOf(j.database, a.ubrn)).filter((r) => r.kind === 'BOOKING_CONFIRMATION');
    assert.equal(confirmation.length, 1);
    assert.equal(confirmation[0]!.channel, 'email'); // no letter when the patient gave an email address
    const p = confirmation[0]!.personalisation as Record<string, string>;
    assert.match(p.service!, /Site S2/);
    assert.match(p.appointment!, /\d{4}/);

    const before = await outboxOf(j.database, b.ubrn);
    assert.equal((await j.book(b.ubrn, slot, b.patient)).statusCode, 409, 'the slot is taken');
    assert.deepEqual(await outboxOf(j.database, b.ubrn), before);
  });

  test('cancelling queues a cancellation; deferring queues the contact-by notice', async () => {
    const r = await j.newReferral();
    const slot = await j.publishSlot('S3-110');
    assert.equal((await j.book(r.ubrn, slot, r.patient)).statusCode, 201);
    assert.equal((await j.cancel(r.ubrn, r.patient)).statusCode, 200);
    const cancelled = (await outboxOf(j.database, r.ubrn)).filter((m) => m.kind === 'APPOINTMENT_CANCELLED');
    assert.equal(cancelled.length, 1);
    assert.equal(cancelled[0]!.channel, 'letter');

    const deferred = await j.defer(r.ubrn, 'S4-110', r.patient);
    assert.equal(deferred.statusCode, 200, deferred.body);
    const notice = (await outboxOf(j.database, r.ubrn)).filter((m) => m.kind === 'DEFERRED_TO_PROVIDER');
    assert.equal(notice.length, 1);
    const p = notice[0]!.personalisation as Record<string, string>;
    const contactBy = new Date(`${deferred.json().contactBy}T00:00:00Z`);
    assert.equal(p.contact_by, new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(contactBy));
  });

  test('a deferral refused (the service has a free slot) queues nothing', async () => {
    const r = await j.newReferral();
    await j.publishSlot('S1-110');
    const before = await outboxOf(j.database, r.ubrn);
    assert.equal((await j.defer(r.ubrn, 'S1-110', r.patient)).statusCode, 409);
    assert.deepEqual(await outboxOf(j.database, r.ubrn), before);
  });

  test('a message is written with its transaction, and rolled back with it', async () => {
    const r = await j.newReferral();
    const before = (await outboxOf(j.database, r.ubrn)).length;
    await assert.rejects(
      j.database.db.transaction().execute(async (trx) => {
        await enqueueMessage(trx, { ubrn: r.ubrn, kind: 'BOOKING_CONFIRMATION', audience: 'patient', channel: 'letter', recipient: 'x\ny', personalisation: {} });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal((await outboxOf(j.database, r.ubrn)).length, before);
  });
});
