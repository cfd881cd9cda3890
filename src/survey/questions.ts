// The survey's questions. The first five are the 2016 guide's statements of meaningful choice, word for word
// ("Patients using health services commissioned by CCGs should as a minimum be able to say: …"); then whether the
// patient knew of the legal right to choose (the guide asks ICBs to raise awareness, "particularly of their legal
// rights", and action 6.4 to measure it), and the national recall question of the 2023 letter's research.
//
// The statements are things a patient should "be able to say", so each is answered on an agreement scale (strongly
// agree to strongly disagree, the GP Patient Survey's scale), with "does not apply to me": the third applies only to
// a patient facing a wait beyond the maximum, and the first says "where appropriate". The two factual questions are
// yes / no / not sure. Pure: the words and codes only.
import type { SurveyAgreement, SurveyYesNo } from '../db/schema.ts';

export type StatementField = 'discussed_options' | 'offered_choice_of_where' | 'offered_alternative' | 'information_accessible' | 'time_to_consider';
export type FactField = 'aware_of_right' | 'recalls_offer';
export type QuestionField = StatementField | FactField;

export interface Question<F extends QuestionField = QuestionField> {
  field: F;
  /** the form's field name */
  name: string;
  kind: F extends StatementField ? 'statement' : 'fact';
  /** what the patient reads (the statement itself, or the question) */
  text: string;
  /** short words for the results' tables */
  short: string;
  /** what "yes" means in the results: agreeing (agree or strongly agree), or answering yes */
  positive: string;
}

export const STATEMENTS: readonly Question<StatementField>[] = [
  {
    field: 'discussed_options', name: 'discussed', kind: 'statement',
    text: 'I have discussed with my GP/health care professional the different options, pros and cons including, where appropriate, whether to have treatment.',
    short: 'Discussed the options', positive: 'agree',
  },
  {
    field: 'offered_choice_of_where', name: 'offered', kind: 'statement',
    text: 'Following agreement to progress my care, I was offered choice of where to go for my first outpatient appointment or diagnostic test, as appropriate.',
    short: 'Offered a choice of where to go', positive: 'agree',
  },
  {
    field: 'offered_alternative', name: 'alternative', kind: 'statement',
    text: 'I was given an opportunity to choose a suitable alternative provider when I was going to wait longer than the maximum time specified in my legal rights.',
    short: 'Offered an alternative when waiting too long', positive: 'agree',
  },
  {
    field: 'information_accessible', name: 'information', kind: 'statement',
    text: 'Information to help me make my decisions was available and I knew where to find it in a format that was accessible to me.',
    short: 'Information available and accessible', positive: 'agree',
  },
  {
    field: 'time_to_consider', name: 'time', kind: 'statement',
    text: 'I was given sufficient time to consider what was right for me.',
    short: 'Given enough time to consider', positive: 'agree',
  },
];

export const FACTS: readonly Question<FactField>[] = [
  {
    field: 'aware_of_right', name: 'aware', kind: 'fact',
    text: 'Before this referral, did you know you have a legal right to choose which hospital or service you are referred to?',
    short: 'Knew of the legal right to choose', positive: 'yes',
  },
  {
    field: 'recalls_offer', name: 'recall', kind: 'fact',
    text: 'Were you offered a choice of hospital or service?',
    short: 'Recalls being offered a choice', positive: 'yes',
  },
];

export const QUESTIONS: readonly Question[] = [...STATEMENTS, ...FACTS];

export const AGREEMENT: readonly { value: SurveyAgreement; text: string }[] = [
  { value: 'STRONGLY_AGREE', text: 'Strongly agree' },
  { value: 'AGREE', text: 'Agree' },
  { value: 'NEITHER', text: 'Neither agree nor disagree' },
  { value: 'DISAGREE', text: 'Disagree' },
  { value: 'STRONGLY_DISAGREE', text: 'Strongly disagree' },
  { value: 'NOT_APPLICABLE', text: 'Does not apply to me' },
];

export const YES_NO: readonly { value: SurveyYesNo; text: string }[] = [
  { value: 'YES', text: 'Yes' },
  { value: 'NO', text: 'No' },
  { value: 'NOT_SURE', text: 'Not sure' },
];

/** The longest comment kept, in characters. */
export const COMMENT_MAX = 1000;

/**
 * How an answer counts in the results. A statement: agreeing is "strongly agree" or "agree", out of those who
 * answered on the scale ("does not apply to me" is left out of the denominator). A question: "yes" out of every
 * answer ("not sure" counts against: not knowing of a right is not being aware of it).
 */
export function counts(kind: 'statement' | 'fact', answer: string): { inDenominator: boolean; positive: boolean } {
  if (kind === 'statement') return { inDenominator: answer !== 'NOT_APPLICABLE', positive: answer === 'STRONGLY_AGREE' || answer === 'AGREE' };
  return { inDenominator: true, positive: answer === 'YES' };
}
