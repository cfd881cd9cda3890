// The 2016 guide's self-assessment ("Securing meaningful choice for patients: CCG planning and improvement guide",
// ../shared/policy/001_*.txt): six enablers, their 24 actions (1.1 … 6.5) and the nine minimum standards (MS1 … MS9),
// in the guide's own words ("CCG" there reads as "ICB" today, as the policy README says), with the standards each
// action carries in the guide's table, the scoring key's two columns, and the five questions for reflection.
// Pure data and a few rules: no I/O.

export type ItemKind = 'ACTION' | 'MINIMUM_STANDARD';
export type Rating = 'RED' | 'AMBER' | 'GREEN';
export const RATINGS: readonly Rating[] = ['RED', 'AMBER', 'GREEN'];

export interface Enabler {
  number: number;
  text: string;
}

export interface AssessmentItem {
  /** "1.1" … "6.5" for actions, "MS1" … "MS9" for minimum standards */
  id: string;
  kind: ItemKind;
  /** the enabler an action belongs to; for a standard, the enabler of the action that carries it */
  enabler: number;
  text: string;
  /** for an action: the minimum standards the guide's table sets beside it */
  standards: readonly string[];
  /** for a minimum standard: whether it is a legal or a contractual requirement (the guide's source column) */
  source?: 'Legal requirement' | 'Contractual requirement' | 'Legal and contractual requirement';
}

export const ENABLERS: readonly Enabler[] = [
  { number: 1, text: 'Patients are aware of their choices, including their legal rights, and actively seek and take up the choices available to them' },
  { number: 2, text: 'GPs/referrers are aware of, and want to support patients in exercising, the choices available to them' },
  { number: 3, text: 'Patients and GPs/referrers have the relevant information to help patients make choices about their care and treatment' },
  { number: 4, text: 'Commissioners and providers build choice into their commissioning plans, contracting arrangements and provision' },
  { number: 5, text: 'Choice is embedded in referral models, protocols and clinical pathways' },
  { number: 6, text: 'Assurance and enforcement' },
];

const action = (id: string, text: string, standards: string[] = []): AssessmentItem => ({ id, kind: 'ACTION', enabler: Number(id.split('.')[0]), text, standards });
const standard = (n: number, enabler: number, text: string, source: NonNullable<AssessmentItem['source']>): AssessmentItem => ({ id: `MS${n}`, kind: 'MINIMUM_STANDARD', enabler, text, standards: [], source });

export const ACTIONS: readonly AssessmentItem[] = [
  action('1.1', 'We have a patient choice policy statement, which sets out clear information for patients on: our choice ambitions as a CCG; the scope and parameters of choice in our locality, and how patients can use choice; contact details and references for further information and support.'),
  action('1.2', 'We use a comprehensive range of media such as posters in GP surgeries and social media to engage with patients, patient groups and the public to increase awareness and take up of the choices available, including where there are legal rights to choice.', ['MS1']),
  action('2.1', 'We ensure that GPs/referrers are aware of their obligations to: inform patients of the services in which they have choice; make those choices available to patients; support patients to engage actively with the principles of shared decision making and to make meaningful choices about their treatment and care.'),
  action('2.2', 'We ask GPs/referrers about the barriers to providing meaningful choice to patients and work with them to overcome these, including where necessary improving processes and pathways.'),
  action('2.3', 'We regularly update our GPs/referrers about which providers we have contracted with and what services they offer.'),
  action('3.1', 'We ensure that information we publish is easy to find so that GPs/referrers and patients can compare relevant details about the provision available, including about: the 3 dimensions of quality - safety, effectiveness and patient experience; waiting times and referral to treatment performance; other factors important to patients.'),
  action('3.2', "We make this information available in plain English, easy read, in ways which meet the needs of people that can't speak English and other formats in line with the Accessible Information Standard."),
  action('3.3', 'We ensure that GPs/referrers have clear information about which referrals require prior CCG approval.'),
  action('3.4', 'We have a process to check that providers are regularly updating the NHS e-Referral Service Directory of Service (DOS) and NHS Choices as per their contractual requirements.', ['MS2']),
  action('4.1', 'We have reviewed the extent of choice across our healthcare economy, including community services, and have articulated our choice aspirations for the next three years in our commissioning plans.'),
  action('4.2', 'We investigate any significant changes or anomalies in referral patterns.', ['MS3']),
  action('4.3', 'As part of our commissioning cycle we analyse referral patterns to identify any trends that might be suggestive of wider quality, accessibility or choice issues.'),
  action('4.4', 'We regularly engage with incumbent and prospective providers: to understand what services they can provide; to share information about what is important to patients; to build choice into our contracting approach.', ['MS4', 'MS5']),
  action('5.1', 'We provide GPs/referrers with appropriate guidance and information detailing what, when and how choice should be offered, to ensure that impartial information and advice are provided in response to patients\' needs and preferences.', ['MS6']),
  action('5.2', 'GPs/referrers use e-RS as the default option for all referrals and highlight any problems they encounter with using e-RS.', ['MS7']),
  action('5.3', 'We have agreements with our providers to honour principles of choice through the pathway, including: providers making their appointments available on e-RS; providers reducing the number of appointments they cancel; providers accepting all clinically appropriate referrals; providers, both independent and NHS, delivering the full range of services for which they are contracted, so that patients can choose procedures; for providers to highlight any issues.', ['MS8']),
  action('5.4', 'We have systems in place that are effective in ensuring that, if any patient is going to wait longer than the maximum time specified in their legal rights, they are offered a suitable alternative provider or providers, where available, who are able to see and treat them more quickly than the original provider.', ['MS9']),
  action('5.5', 'We have systems in place to safeguard and promote the legal rights to choice in mental health services, which support the two national waiting time targets: more than 50% of people experiencing a first episode of psychosis are treated with a NICE approved care package within two weeks of referral; 75% of adults with common mental health conditions referred to the Improved Access to Psychological Therapies programme will be treated within 6 weeks of referral, and 95% will be treated within 18 weeks of referral.'),
  action('5.6', 'We have systems in place to notify our GPs/referrers what capacity is available at local providers, so that this can be shared with patients as part of their decision making process, at first referral and where providers are at risk of breaching maximum waiting times.'),
  action('6.1', "Oversight of the operation of choice in our locality is led by a named member of our CCG's Governing Body."),
  action('6.2', 'We regularly test whether local referral systems actually offer choices to patients.'),
  action('6.3', 'We use our regular contract management meetings, including the terms of our contracts with providers, to address any concerns about how well choice is working.'),
  action('6.4', 'We measure awareness of choice amongst patients, patient groups and the wider public and track this over time.'),
  action('6.5', 'We review NHS Improvement investigation reports relating to choice and consider their relevance to the operation of choice in our locality.'),
];

export const MINIMUM_STANDARDS: readonly AssessmentItem[] = [
  standard(1, 1, "Information on patients' legal rights to choice is publicised and promoted.", 'Legal requirement'),
  standard(2, 3, "NHS e-Referral Service DOS and NHS Choices website contain accurate and up-to-date information about our providers' services, and comply with the provider profile policy set out at www.nhs.uk.", 'Contractual requirement'),
  standard(3, 4, 'There is engagement with providers where referral, activity and choice trends are discussed and actions agreed/monitored.', 'Contractual requirement'),
  standard(4, 4, 'There are regular reviews to understand how choice is benefitting patients and to consider extending choice beyond the established legal rights, where patients would benefit.', 'Legal requirement'),
  standard(5, 4, 'We ensure that, for any services where patients have legal rights to choice, any provider of these services that meets the relevant criteria is made available for patients to choose from.', 'Legal requirement'),
  standard(6, 5, 'We ensure that patients are offered a choice of provider and team for a first appointment upon referral to an elective service.', 'Legal requirement'),
  standard(7, 5, 'We will secure a minimum of 80% e-RS usage by March 2017.', 'Contractual requirement'),
  standard(8, 5, 'All of our contracted providers accept all of their clinically appropriate referrals.', 'Contractual requirement'),
  standard(9, 5, 'Where notified that a patient will not be treated within maximum waiting times, commissioners must ensure that the patient is offered an appointment with a suitable alternative provider(s).', 'Legal and contractual requirement'),
];

/** Every item in the guide's order: each enabler's actions, each followed by the standards it carries. */
export const ASSESSMENT_ITEMS: readonly AssessmentItem[] = ACTIONS.flatMap((a) => [a, ...a.standards.map((s) => MINIMUM_STANDARDS.find((m) => m.id === s)!)]);

const BY_ID = new Map(ASSESSMENT_ITEMS.map((i) => [i.id, i]));
/** The item of an id as written in an address or a form ("1.1", "ms6" → "MS6"), or undefined. */
export function itemOf(id: string): AssessmentItem | undefined {
  return BY_ID.get(id.trim().toUpperCase());
}

/** The scoring key's two columns: where there is a minimum standard, and where there are other actions to take. */
export const SCORING_KEY: Record<Rating, { minimumStandard: readonly string[]; otherActions: readonly string[] }> = {
  RED: {
    minimumStandard: ['Not achieving minimum standard and no robust plans to deliver.', 'Evidence of practice that is contrary to legal and/or contractual obligations on choice, for example, not securing 80% e-RS utilisation.'],
    otherActions: ['Little evidence of achievement.', 'No joined up approach or plans to deliver any level of change.'],
  },
  AMBER: {
    minimumStandard: ['Partial compliance, with evidence of progression towards minimum standard.', 'Clear achievable plans in place to deliver standard.'],
    otherActions: ['Isolated examples of good practice.', 'Practice occurs, but there is a lack of documented evidence.', 'Part of action is met, but further work is required to meet full underlying principle e.g. information is published but not in accessible formats.', 'Actions are underway (or planned) for improvement.'],
  },
  GREEN: {
    minimumStandard: ['Meet minimum standard.'],
    otherActions: ['Consistent evidence of achievement across policy, practice and feedback. This should be of a level that you would be confident to submit to NHS Improvement as evidence in any investigation, and to NHS England as an example of best practice.'],
  },
};

/** The key's footnote, the rule behind effectiveRating. */
export const CONTRARY_RULE = "No matter how robust a service or process is, if there is evidence of practice contrary to patients' legal rights, this indicator should be scored as Red and corrective action initiated.";

/** The rating that counts: Red whenever there is evidence of practice contrary to patients' legal rights, else the rating given. */
export function effectiveRating(rating: Rating | null, contraryToLegalRights: boolean): Rating | null {
  return contraryToLegalRights ? 'RED' : rating;
}

export const REFLECTION_QUESTIONS: readonly string[] = [
  'Do we know whether all of our patients are being offered meaningful choice? If not, what can be done to improve our knowledge?',
  'Are we doing enough to build choice into our commissioning plans and the services we commission?',
  'Are we adequately promoting choice to our patients?',
  'Are our clinical pathways, GP/referrer processes and protocols good at offering and facilitating choice including through the use of the NHS e-Referral Service?',
  'How can we make the most of the opportunities provided by STPs and new care models to make meaningful choice a reality for all of our patients?',
];

