// Defect 8 of issue 9: the PIDMAS offer told the patient they would be seen "from 2026-12-04". Dates in messages to
// patients are written as people read them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Journeys, outboxOf, startJourneys } from '../testing/journeys.ts';
import { enqueuePidmasOffer } from './patient-messages.ts';
import { render } from './templates.ts';

let j: Journeys;
before(async () => {
  j = await startJourneys('pidmas-offer-message');
});
after(() => j.close());

test('the offer of a place says from when in words, never as an ISO date', async () => {
  const { ubrn } = await j.newReferral({ email: 'bea@example.com' });
  await j.database.db.transaction().execute((trx) =>
    enqueuePidmasOffer(trx, ubrn, 'ABCD-EFGH-JKLM', { provider: 'Other NHS Trust', site: 'Other Hospital', distance: '12.5 miles', expectedFrom: '2026-12-04' }),
  );
  const offers = (await outboxOf(j.database, ubrn)).filter((r) => r.kind === 'PIDMAS_OFFER');
  assert.ok(offers.length > 0);
  for (const offer of offers) {
    const { subject, body } = render('PIDMAS_OFFER', offer.channel, offer.personalisation as Record<string, string>);
    const text = `${subject ?? ''}\n${body}`;
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/, text);
    assert.match(text, /expected from Friday,? 4 December 2026/);
  }
});
