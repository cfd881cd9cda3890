// Getting there: how a patient can get help with the cost of travel (the Healthcare Travel Costs Scheme, the same
// everywhere in England) and the patient transport an ICB publishes for people whose medical need means they cannot
// travel otherwise. The scheme's wording is written once here; an ICB's own words come from icb_transport_support.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * The Healthcare Travel Costs Scheme in plain words, to the patient. Checked against NHS England's description of
 * the scheme and the HC5(T) claim form: a referral by a doctor, dentist or other health professional for NHS
 * treatment or tests, a separate journey from the one where the referral was made, and a qualifying benefit or low
 * income; the cheapest suitable way of travelling; claimed at the hospital or within 3 months.
 */
export const TRAVEL_COSTS_HELP = {
  heading: 'Help with travel costs',
  intro:
    'You may be able to get the cost of travelling to your appointment paid back through the Healthcare Travel Costs Scheme (HTCS). You can claim if a doctor or another health professional referred you for NHS treatment or tests, and you or your partner:',
  qualifying: [
    'get Income Support, income-based Jobseeker\'s Allowance, income-related Employment and Support Allowance or Pension Credit Guarantee Credit',
    'get Universal Credit and meet its earnings limits',
    'are named on an NHS tax credit exemption certificate',
    'have a low income and are named on an HC2 certificate (full help) or an HC3 certificate (some help) from the NHS Low Income Scheme',
  ],
  howToClaim:
    'You are paid for the cheapest way of travelling that is suitable for your medical needs. Keep your tickets or receipts. Ask at the hospital if you can claim when you go; if not, claim by post within 3 months with form HC5(T).',
  link: { href: 'https://www.nhs.uk/nhs-services/help-with-health-costs/healthcare-travel-costs-scheme-htcs/', text: 'Healthcare Travel Costs Scheme on the NHS website' },
  /** Patient transport is not means-tested: it is for people whose medical condition stops them travelling otherwise. */
  patientTransport:
    'If your medical condition means you cannot get to your appointment any other way, you may be able to get free non-emergency patient transport. This depends on your medical needs, not your income.',
} as const;

export interface TransportSupport {
  icbCode: string;
  icbName: string;
  summary: string;
  /** The ICB's policy in its own words (written on /commissioner/transport); null where it has not said. */
  whoCanGetHelp: string | null;
  howToGetHelp: string | null;
  phone: string | null;
  link: { href: string; text: string };
}

/** The transport support each provider's ICB publishes, by provider ODS code; providers with none are absent. */
export async function transportSupportByProvider(db: Kysely<DB>, providerOdsCodes: readonly string[]): Promise<Map<string, TransportSupport>> {
  if (providerOdsCodes.length === 0) return new Map();
  const rows = await db
    .selectFrom('organisation as o')
    .innerJoin('icb_transport_support as t', 't.icb_code', 'o.icb_code')
    .select(['o.ods_code', 't.icb_code', 't.icb_name', 't.summary', 't.who_can_get_help', 't.how_to_get_help', 't.phone', 't.link_url', 't.link_text'])
    .where('o.ods_code', 'in', [...new Set(providerOdsCodes)])
    .execute();
  return new Map(rows.map((r) => [r.ods_code, {
    icbCode: r.icb_code, icbName: r.icb_name, summary: r.summary,
    whoCanGetHelp: r.who_can_get_help, howToGetHelp: r.how_to_get_help, phone: r.phone,
    link: { href: r.link_url, text: r.link_text },
  }]));
}

/**
 * The demo data set's entry: NHS West Yorkshire ICB commissions non-emergency patient transport from Yorkshire
 * Ambulance Service, which checks eligibility (medical need, under the national criteria) when each journey is booked.
 */
export const DEMO_TRANSPORT_SUPPORT = {
  icb_code: 'QWO',
  icb_name: 'NHS West Yorkshire Integrated Care Board',
  summary:
    'In West Yorkshire, Yorkshire Ambulance Service runs non-emergency patient transport for the NHS. When you ask for transport they will ask about your health and mobility to check whether you can get it. If you can travel by car, with family or friends, by public or community transport or by taxi, you are asked to do that instead.',
  link_url: 'https://www.yas.nhs.uk/our-services/patient-transport-service-pts/eligibility/',
  link_text: 'Check if you can get patient transport (Yorkshire Ambulance Service)',
  who_can_get_help:
    'People whose medical condition or mobility means they cannot get to their appointment any other way, and someone to go with them if their medical needs mean they need one. It does not depend on your income.',
  how_to_get_help:
    'Phone the patient transport booking line at least 2 working days before your appointment. Have your appointment letter, your NHS number and the details of your mobility needs ready.',
  // An Ofcom drama number (01134 960xxx is kept for fiction): the demo names no real line.
  phone: '0113 496 0123',
} as const;

/** Puts the demo ICB's transport support in place (once; a later start leaves an edited entry alone). */
export async function ensureDemoTransportSupport(db: Kysely<DB>): Promise<void> {
  await db.insertInto('icb_transport_support').values(DEMO_TRANSPORT_SUPPORT).onConflict((oc) => oc.column('icb_code').doNothing()).execute();
  // An entry from before the policy had these parts (migration 030) gets the demo's words, once; an edited one is kept.
  const { who_can_get_help, how_to_get_help, phone } = DEMO_TRANSPORT_SUPPORT;
  await db.updateTable('icb_transport_support').set({ who_can_get_help, how_to_get_help, phone })
    .where('icb_code', '=', DEMO_TRANSPORT_SUPPORT.icb_code).where('who_can_get_help', 'is', null).where('updated_by_account_id', 'is', null).execute();
}

/** What _travel-help.njk needs: the scheme's words, each provider's ICB support, and each ICB's once. */
export function travelHelpContext(byProvider: Map<string, TransportSupport>) {
  return {
    travel: TRAVEL_COSTS_HELP,
    transport: Object.fromEntries(byProvider),
    transportSupport: [...new Map([...byProvider.values()].map((t) => [t.icbCode, t])).values()],
  };
}
