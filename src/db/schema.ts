// Kysely table types; they mirror src/db/migrations/*.sql.
import type { ColumnType, Generated } from 'kysely';
import type { ContactMethod, ContactOutcome } from '../domain/contact-attempts.ts';
import type { ListingFlagKind } from '../domain/listing-upkeep.ts';
import type { PidmasStatus } from '../domain/pidmas-status.ts';
import type { ReferralStatus } from '../domain/referral-status.ts';
import type { RejectionReason } from '../domain/rejection.ts';
import type { ProposedTransferStatus } from '../domain/transfer-status.ts';
import type { TravelLimit } from '../domain/travel-limits.ts';
import type { TriageOutcome } from '../domain/triage.ts';

// Where a table's column takes a domain type, the type is the domain's; named here too for older imports.
export type { ProposedTransferStatus };

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SpecialtyTable {
  code: string;
  name: string;
  rtt_reported: Generated<boolean>;
}

export interface PostcodeTable {
  postcode: string;
  latitude: number;
  longitude: number;
}

export interface PostcodeAreaTable {
  code: string;
  kind: 'sector' | 'outcode';
  latitude: number;
  longitude: number;
  postcode_count: Generated<number>;
}

export type OrganisationKind = 'NHS_TRUST' | 'INDEPENDENT_PROVIDER' | 'GP_PRACTICE' | 'ICB' | 'REFERRAL_CENTRE';

export interface OrganisationTable {
  ods_code: string;
  name: string;
  kind: OrganisationKind;
  region_code: string | null;
  icb_code: string | null;
  postcode: string | null;
  open_date: string | null;
  close_date: string | null;
  active: Generated<boolean>;
  phone: Generated<string | null>;
}

export interface SiteTable {
  ods_code: string;
  name: string;
  provider_ods_code: string;
  sector: 'NHS' | 'INDEPENDENT';
  address: string | null;
  postcode: string | null;
  latitude: number;
  longitude: number;
  sub_type: ColumnType<string | null, string | null | undefined, string | null>;
  phone: Generated<string | null>;
}

export interface RttWaitTable {
  period: string;
  provider_ods_code: string;
  provider_name: string;
  specialty_code: string;
  incomplete_pathways: number;
  unknown_clock_start: Generated<number>;
  within_18_weeks: number;
  median_wait_weeks: number | null;
  p92_wait_weeks: number | null;
  over_52_weeks: Generated<number>;
}

export type ServiceType = 'FIRST_OUTPATIENT' | 'ASSESSMENT' | 'DIAGNOSTIC' | 'ADVICE_AND_GUIDANCE';
export type AccreditationStatus = 'PENDING' | 'ACCREDITED' | 'REJECTED' | 'SUSPENDED' | 'WITHDRAWN';
export type ServiceSex = 'any' | 'female' | 'male';

export interface ServiceTable {
  id: string;
  name: string;
  specialty_code: string;
  provider_ods_code: string;
  site_ods_code: string;
  service_type: Generated<ServiceType>;
  clinic_type: string | null;
  directly_bookable: Generated<boolean>;
  consultant_led: Generated<boolean>;
  consultant_team: string | null;
  min_age: number | null;
  max_age: number | null;
  sex: Generated<ServiceSex>;
  indicative_wait_weeks: number | null;
  indicative_wait_as_of: string | null;
  indicative_wait_basis: string | null;
  accessibility: string | null;
  prior_approval_required: Generated<boolean>;
  accreditation_status: Generated<AccreditationStatus>;
  active: Generated<boolean>;
  withdrawn_reason: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawn_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  latitude: number;
  longitude: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ServiceChangeAction = 'LISTED' | 'EDITED' | 'WITHDRAWN' | 'RELISTED';

export interface ServiceChangeTable {
  id: Generated<number>;
  service_id: string;
  action: ServiceChangeAction;
  changes: Generated<unknown>;
  reason: string | null;
  changed_by_account_id: number;
  changed_at: Timestamp;
}

export interface ImportRunTable {
  id: Generated<number>;
  kind: string;
  source: string;
  source_sha256: string;
  started_at: Timestamp;
  finished_at: Timestamp;
  report: unknown;
}

export interface DataVersionTable {
  name: 'directory' | 'postcodes';
  version: Generated<number>;
  changed_at: Timestamp;
}

export type StaffRole = 'referrer' | 'referral-centre' | 'provider' | 'commissioner' | 'admin';

export interface AccountTable {
  id: Generated<number>;
  username: string;
  password_hash: string | null;
  role: StaffRole;
  organisation_ods_code: string;
  display_name: string;
  demo: Generated<boolean>;
  active: Generated<boolean>;
  oidc_subject: Generated<string | null>;
  created_at: Timestamp;
}

export interface AuthSessionTable {
  token_hash: string;
  account_id: number | null;
  patient_ubrn: string | null;
  kind: 'api' | 'page';
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface SignInFailureTable {
  key: string;
  failed_at: Timestamp;
}

export interface ReferralTable {
  ubrn: string;
  access_code_hash: string;
  status: ReferralStatus;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  specialty_code: string;
  clinical_summary: string;
  patient_nhs_number: string;
  patient_given_name: string;
  patient_family_name: string;
  patient_date_of_birth: string;
  patient_postcode: string;
  patient_address_lines: string[] | null;
  patient_email: string | null;
  patient_mobile: string | null;
  preferences: unknown;
  referring_organisation_ods_code: string;
  created_by_account_id: number;
  rtt_clock_start: string;
  options_offered: number;
  fewer_options_reason: string | null;
  patient_chose: Generated<boolean>;
  deferred_service_id: Generated<string | null>;
  contact_by: Generated<string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  rtt_clock_state: Generated<'RUNNING' | 'PAUSED' | 'STOPPED'>;
  rtt_paused_days: Generated<number>;
  rtt_clock_stopped_on: Generated<string | null>;
  next_appointment_date: Generated<string | null>;
  current_service_id: Generated<string | null>;
  transferred_from_ubrn: Generated<string | null>;
  source: Generated<'REFERRAL' | 'WAITING_LIST' | 'TRANSFER'>;
  consultant_led: Generated<boolean>;
  tertiary: Generated<boolean>;
  registered_gp_ods_code: Generated<string | null>;
  rejection_reason: Generated<RejectionReason | null>;
  rejection_note: Generated<string | null>;
  rejected_at: Generated<Date | null>;
  rejected_by: Generated<string | null>;
  rejected_service_id: Generated<string | null>;
  /** CommunicationNeeds (src/domain/communication-needs.ts) as JSON; null when none were recorded. */
  communication_needs: Generated<unknown>;
  fewer_options_code: Generated<FewerOptionsCode | null>;
  received_via: Generated<'ELECTRONIC' | 'PAPER'>;
  faster_alternative_offered_at: Generated<Date | null>;
}

/** Why fewer than 5 options were offered, as the choice measures count it (src/domain/choice-measures.ts words it). */
export type FewerOptionsCode = 'FEWER_WITHIN_REACH' | 'PATIENT_ASKED' | 'CLINICALLY_SPECIALIST' | 'URGENT_CAPACITY' | 'REFERRER_CHOSE' | 'OTHER';

/** One referral's choice facts, kept by triggers from the view choice_fact_source (migration 018). Never written by the service. */
export interface ChoiceFactTable {
  ubrn: string;
  made_on: string;
  source: 'REFERRAL' | 'WAITING_LIST' | 'TRANSFER';
  icb_code: string | null;
  practice_ods_code: string | null;
  referral_centre_ods_code: string | null;
  provider_ods_code: string | null;
  service_id: string | null;
  specialty_code: string;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  status: ReferralStatus;
  options_offered: number;
  awaiting_options: boolean;
  fewer_options_code: FewerOptionsCode | null;
  patient_chose: boolean;
  booked_by_patient: boolean;
  appointment_slot_issue: boolean;
  rejected: boolean;
  electronic: boolean;
  sent_for_triage: boolean;
  faster_alternative_offered: boolean;
  faster_alternative_taken: boolean;
  pidmas_invited: boolean;
  pidmas_opted_in: boolean;
  pidmas_moved: boolean;
  first_appointment_on: string | null;
}

/** A listing that needs attention, opened and cleared by the daily listing-upkeep job (migration 022). */
export interface ListingFlagTable {
  id: Generated<number>;
  service_id: string;
  flag: ListingFlagKind;
  first_flagged_at: Timestamp;
  last_seen_at: Timestamp;
  cleared_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  evidence: ColumnType<unknown, string, string>;
}

/** Where an ICB stands on a flagged referral pattern (migration 020). */
export type PatternFindingStatus = 'NEW' | 'REVIEWING' | 'EXPLAINED' | 'ACTION_TAKEN' | 'NOT_A_CONCERN';

/** What an ICB found about a referral pattern, one row per (icb, practice, specialty, provider) (migration 020). */
export interface PatternFindingTable {
  id: Generated<number>;
  icb_code: string;
  practice_ods_code: string;
  specialty_code: string;
  provider_ods_code: string;
  first_flagged_week: string;
  status: Generated<PatternFindingStatus>;
  note: string | null;
  updated_by_account_id: number;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Every note recorded against a pattern finding, append-only (migration 020). */
export interface PatternFindingNoteTable {
  id: Generated<number>;
  finding_id: number;
  status: PatternFindingStatus;
  note: string | null;
  recorded_by_account_id: number;
  recorded_by: string;
  recorded_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MutualAidRequestTable {
  id: Generated<number>;
  provider_ods_code: string;
  specialty_code: string;
  patients: number;
  needed_by: string;
  constraints: Generated<string>;
  status: Generated<'OPEN' | 'CLOSED'>;
  created_by_account_id: number;
  created_at: Timestamp;
}

export interface MutualAidOfferTable {
  id: Generated<number>;
  provider_ods_code: string;
  service_id: string;
  specialty_code: string;
  capacity_per_week: number;
  starts_on: string;
  ends_on: string;
  min_age: number | null;
  max_age: number | null;
  complexity: Generated<'ROUTINE' | 'ROUTINE_AND_COMPLEX'>;
  notes: Generated<string>;
  status: Generated<'OPEN' | 'WITHDRAWN'>;
  created_by_account_id: number;
  created_at: Timestamp;
}

export type { PidmasStatus, TravelLimit };

export interface PidmasRequestTable {
  id: Generated<number>;
  ubrn: string;
  status: PidmasStatus;
  invited_at: Timestamp | null;
  invited_by_account_id: number | null;
  opted_in_at: Timestamp | null;
  travel: TravelLimit | null;
  unavailable_dates: Generated<string>;
  support_needed: Generated<string[]>;
  interpreter_language: string | null;
  contact_preference: 'EMAIL' | 'TEXT' | 'PHONE' | 'LETTER' | null;
  validated_at: Timestamp | null;
  validated_by_account_id: number | null;
  not_suitable_reason: string | null;
  outcome_note: string | null;
  updated_at: Timestamp;
}

export interface MatchRunTable {
  id: Generated<number>;
  input_hash: string;
  trigger: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  input: unknown;
  result: unknown;
  summary: unknown;
}

export interface ProposedTransferTable {
  id: Generated<number>;
  match_run_id: number;
  pidmas_request_id: number;
  ubrn: string;
  offer_id: number;
  scope: 'ICB' | 'NATIONAL';
  distance_km: number;
  wait_weeks: number;
  explanation: unknown;
  status: Generated<ProposedTransferStatus>;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decline_reason: string | null;
  new_ubrn: string | null;
  created_at: Timestamp;
}

export interface SlotTable {
  id: Generated<string>;
  service_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  withdrawn_at: Timestamp | null;
  created_at: Timestamp;
}

export interface AppointmentTable {
  id: Generated<string>;
  ubrn: string;
  slot_id: string;
  service_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  booked_at: Timestamp;
  booked_by: string;
  booked_by_patient: Generated<boolean>;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
}

export interface IdempotentRequestTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number;
  body: unknown;
  created_at: Timestamp;
}

export interface ReferralOptionTable {
  ubrn: string;
  rank: number;
  service_id: string;
  offered: unknown;
}

export interface ReferralEventTable {
  id: Generated<number>;
  ubrn: string;
  at: Timestamp;
  actor_kind: 'staff' | 'patient' | 'system';
  actor_account_id: number | null;
  actor_label: string;
  from_status: ReferralStatus | null;
  to_status: ReferralStatus;
  reason: string;
}

export interface ContactAttemptTable {
  id: Generated<number>;
  ubrn: string;
  service_id: string;
  attempted_at: Timestamp;
  method: ContactMethod;
  outcome: ContactOutcome;
  note: string | null;
  recorded_by_account_id: number;
  recorded_by_label: string;
  recorded_at: Timestamp;
}

export interface OidcPendingTable {
  state: string;
  purpose: 'staff' | 'patient';
  nonce: string;
  code_verifier: string;
  browser_hash: string;
  created_at: Timestamp;
}

export type MessageKind =
  | 'REFERRAL_LETTER' | 'BOOKING_CONFIRMATION' | 'APPOINTMENT_CANCELLED' | 'DEFERRED_TO_PROVIDER' | 'CONTACT_BY_REMINDER' | 'DEFERRAL_OVERDUE'
  | 'PIDMAS_INVITATION' | 'PIDMAS_OFFER' | 'PIDMAS_NO_MATCH' | 'PIDMAS_NOT_SUITABLE' | 'TRANSFERRED'
  | 'SURVEY_INVITATION';
export type MessageChannel = 'letter' | 'email' | 'sms';
export type MessageAudience = 'patient' | 'provider' | 'carer';

export interface OutboxTable {
  id: Generated<number>;
  created_at: Timestamp;
  ubrn: string;
  kind: MessageKind;
  audience: MessageAudience;
  channel: MessageChannel;
  recipient: string;
  personalisation: unknown;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  claimed_until: Timestamp | null;
  /** the sender (its liveness lock key) that claimed it (migration 032) */
  claimed_by: ColumnType<number | null, number | null | undefined, number | null>;
  last_error: string | null;
  sent_at: Timestamp | null;
  delivered_via: 'notify' | 'local' | null;
  provider_reference: string | null;
}

export interface MessageLogTable {
  id: Generated<number>;
  outbox_id: number;
  created_at: Timestamp;
  ubrn: string;
  kind: MessageKind;
  audience: MessageAudience;
  channel: MessageChannel;
  recipient: string;
  subject: string | null;
  body: string;
}

export interface ProviderContactTable {
  ods_code: string;
  asi_email: string;
}

export interface DeferralAlertTable {
  ubrn: string;
  kind: 'REMINDER' | 'ESCALATION';
  contact_by: string;
  on_date: string;
  created_at: Timestamp;
}

/** A referral assessment service run by a referral centre (migration 015). */
export interface ReferralAssessmentServiceTable {
  id: string;
  name: string;
  organisation_ods_code: string;
  icb_code: string;
  specialty_codes: string[];
  target_days_routine: number;
  target_days_urgent: number;
  target_days_two_week_wait: number;
  demo: Generated<boolean>;
  active: Generated<boolean>;
}

/** The triage of a referral sent to a referral assessment service (migration 015). */
export interface ReferralTriageTable {
  ubrn: string;
  assessment_service_id: string;
  sent_on: string;
  due_on: string;
  outcome: TriageOutcome | null;
  reason_code: string | null;
  detail: string | null;
  triaged_at: Timestamp | null;
  triaged_by_account_id: number | null;
  triaged_by: string | null;
}

/** A journey's answers so far, per page session (migration 008). */
export interface WebDraftTable {
  session_hash: string;
  data: unknown;
  updated_at: Timestamp;
}

/** An ICB's patient transport support, as it publishes it (migration 012). */
export interface IcbTransportSupportTable {
  icb_code: string;
  icb_name: string;
  summary: string;
  link_url: string;
  link_text: string;
  updated_at: Timestamp;
  /** Part D (migration 030): the ICB's policy in its own words; null until the ICB writes it. */
  who_can_get_help: ColumnType<string | null, string | null | undefined, string | null>;
  how_to_get_help: ColumnType<string | null, string | null | undefined, string | null>;
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  updated_by_account_id: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A run of the monthly test shortlists of one ICB (migration 021). */
export interface TestShortlistRunTable {
  id: Generated<number>;
  icb_code: string;
  trigger: 'SCHEDULED' | 'REQUESTED';
  requested_by: string | null;
  requested_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  practices: Generated<number>;
  specialties: Generated<number>;
  shortlists_run: Generated<number>;
  short_count: Generated<number>;
  error: string | null;
}

/** A test shortlist that fell short: fewer than 5 options or providers (migration 021). */
export interface TestShortlistResultTable {
  run_id: number;
  practice_ods_code: string;
  specialty_code: string;
  options_offered: number;
  providers_offered: number;
  eligible_count: number;
  shortfall_reason: string | null;
}

export interface DB {
  icb_transport_support: IcbTransportSupportTable;
  mutual_aid_request: MutualAidRequestTable;
  mutual_aid_offer: MutualAidOfferTable;
  pidmas_request: PidmasRequestTable;
  match_run: MatchRunTable;
  test_shortlist_run: TestShortlistRunTable;
  test_shortlist_result: TestShortlistResultTable;
  proposed_transfer: ProposedTransferTable;
  outbox: OutboxTable;
  message_log: MessageLogTable;
  provider_contact: ProviderContactTable;
  deferral_alert: DeferralAlertTable;
  oidc_pending: OidcPendingTable;
  slot: SlotTable;
  appointment: AppointmentTable;
  idempotent_request: IdempotentRequestTable;
  referral: ReferralTable;
  referral_option: ReferralOptionTable;
  referral_event: ReferralEventTable;
  contact_attempt: ContactAttemptTable;
  account: AccountTable;
  auth_session: AuthSessionTable;
  sign_in_failure: SignInFailureTable;
  data_version: DataVersionTable;
  specialty: SpecialtyTable;
  postcode: PostcodeTable;
  postcode_area: PostcodeAreaTable;
  organisation: OrganisationTable;
  site: SiteTable;
  rtt_wait: RttWaitTable;
  service: ServiceTable;
  service_change: ServiceChangeTable;
  import_run: ImportRunTable;
  web_draft: WebDraftTable;
  referral_assessment_service: ReferralAssessmentServiceTable;
  referral_triage: ReferralTriageTable;
  choice_fact: ChoiceFactTable;
  survey_invitation: SurveyInvitationTable;
  survey_response: SurveyResponseTable;
  pattern_finding: PatternFindingTable;
  pattern_finding_note: PatternFindingNoteTable;
  listing_flag: ListingFlagTable;
  mental_health_pathway: MentalHealthPathwayTable;
  // ---- Part B: the choice plan (migration 028)
  choice_plan: ChoicePlanTable;
  choice_plan_action: ChoicePlanActionTable;
  choice_plan_action_note: ChoicePlanActionNoteTable;
  choice_plan_publication: ChoicePlanPublicationTable;
  choice_plan_comment: ChoicePlanCommentTable;
  choice_plan_comment_attempt: ChoicePlanCommentAttemptTable;
  choice_plan_change: ChoicePlanChangeTable;
  // ---- Part C (issue 11): provider accreditation (migration 029)
  accreditation_criterion: AccreditationCriterionTable;
  accreditation_application: AccreditationApplicationTable;
  accreditation_item: AccreditationItemTable;
  accreditation_event: AccreditationEventTable;
  // Part D, what the referrer sees of assurance (migration 030)
  prior_approval_rule: PriorApprovalRuleTable;
  capacity_notice: CapacityNoticeTable;
}

export type MentalHealthServiceKind = 'EIP' | 'TALKING_THERAPIES';

/** A mental health pathway as its provider returned it, for the waiting standards (migration 023). No patient identifiers. */
export interface MentalHealthPathwayTable {
  id: Generated<number>;
  service_kind: MentalHealthServiceKind;
  provider_ods_code: string;
  local_id_hash: string;
  icb_code: string;
  practice_ods_code: string | null;
  referred_on: string;
  first_treatment_on: string | null;
  ended_on: string | null;
  ended_reason: string | null;
  source: 'PROVIDER_RETURN' | 'IMPORT';
  created_by_account_id: number | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

/** A patient's invitation to the survey of meaningful choice (migration 024): knows the referral, keeps only the token's SHA-256. */
export interface SurveyInvitationTable {
  id: Generated<number>;
  ubrn: string;
  token_hash: string;
  icb_code: string;
  practice_ods_code: string | null;
  half_year: string;
  /** defaults to now() */
  invited_at: Timestamp;
  expires_at: Timestamp;
  answered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type SurveyAgreement = 'STRONGLY_AGREE' | 'AGREE' | 'NEITHER' | 'DISAGREE' | 'STRONGLY_DISAGREE' | 'NOT_APPLICABLE';
export type SurveyYesNo = 'YES' | 'NO' | 'NOT_SURE';

/** One answered survey (migration 024): no UBRN, no invitation id, no exact time, a random id. */
export interface SurveyResponseTable {
  id: Generated<string>;
  icb_code: string;
  half_year: string;
  practice_ods_code: string | null;
  answered_on: string;
  discussed_options: SurveyAgreement;
  offered_choice_of_where: SurveyAgreement;
  offered_alternative: SurveyAgreement;
  information_accessible: SurveyAgreement;
  time_to_consider: SurveyAgreement;
  aware_of_right: SurveyYesNo;
  recalls_offer: SurveyYesNo;
  comment: string | null;
}

// ---------------------------------------------------------------- Part A of issue 11: the self-assessment (migration 027)

export type AssessmentRating = 'RED' | 'AMBER' | 'GREEN';

/** The SRO named by an ICB (migration 027). */
export interface IcbSroTable {
  icb_code: string;
  name: string;
  role: string;
  contact: string;
  updated_by_account_id: number;
  updated_by: string;
  updated_at: Timestamp;
}

/** One ICB's self-assessment of one half-year (migration 027). */
export interface SelfAssessmentTable {
  icb_code: string;
  period: string;
  reflections: ColumnType<string[], string | undefined, string>;
  version: Generated<number>;
  last_changed_at: Timestamp;
}

export interface SelfAssessmentItemTable {
  icb_code: string;
  period: string;
  item_id: string;
  rating: AssessmentRating | null;
  contrary_to_legal_rights: boolean;
  evidence_texts: ColumnType<string[], string, string>;
  evidence_links: ColumnType<string[], string, string>;
  owner: string | null;
  suggested_rating: AssessmentRating | null;
  overrule_reason: string | null;
  updated_by_account_id: number;
  updated_by: string;
  updated_at: Timestamp;
}

/** Every change to an item, append-only (migration 027). */
export interface SelfAssessmentItemChangeTable {
  id: Generated<number>;
  icb_code: string;
  period: string;
  item_id: string;
  old_rating: AssessmentRating | null;
  new_rating: AssessmentRating | null;
  old_effective: AssessmentRating | null;
  new_effective: AssessmentRating | null;
  contrary_to_legal_rights: boolean;
  what: string;
  changed_by_account_id: number;
  changed_by: string;
  changed_at: Timestamp;
}

export interface SelfAssessmentAttachmentTable {
  id: Generated<string>;
  icb_code: string;
  period: string;
  item_id: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  content: Buffer;
  sha256: string;
  uploaded_by_account_id: number;
  uploaded_by: string;
  uploaded_at: Timestamp;
  removed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface SelfAssessmentSignOffTable {
  id: Generated<number>;
  icb_code: string;
  period: string;
  sro_name: string;
  sro_role: string;
  version: number;
  signed_off_by_account_id: number;
  signed_off_by: string;
  signed_off_at: Timestamp;
}

export interface DB {
  icb_sro: IcbSroTable;
  self_assessment: SelfAssessmentTable;
  self_assessment_item: SelfAssessmentItemTable;
  self_assessment_item_change: SelfAssessmentItemChangeTable;
  self_assessment_attachment: SelfAssessmentAttachmentTable;
  self_assessment_sign_off: SelfAssessmentSignOffTable;
}


// ---------------------------------------------------------------- Part B: the choice plan (migration 028)

export type ChoicePlanActionStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'DONE' | 'DROPPED';
export type ChoicePlanCommentStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/** The ICB's draft choice plan: its three-year ambition (action 4.1) and plain-English summary. */
export interface ChoicePlanTable {
  icb_code: string;
  ambition: string | null;
  summary: string | null;
  updated_by_account_id: number;
  updated_by: string;
  updated_at: Timestamp;
}

/** One improvement action of the plan, linked to the self-assessment items it improves. */
export interface ChoicePlanActionTable {
  id: Generated<number>;
  icb_code: string;
  item_ids: string[];
  title: string;
  description: Generated<string>;
  owner: string;
  due_on: string;
  status: Generated<ChoicePlanActionStatus>;
  created_by_account_id: number;
  created_at: Timestamp;
  updated_by_account_id: number;
  updated_by: string;
  updated_at: Timestamp;
}

/** A progress note on an action, append-only. */
export interface ChoicePlanActionNoteTable {
  id: Generated<number>;
  action_id: number;
  note: string;
  recorded_by_account_id: number;
  recorded_by: string;
  recorded_at: Timestamp;
}

/** A published version of the plan: the snapshot the public page shows. */
export interface ChoicePlanPublicationTable {
  id: Generated<number>;
  icb_code: string;
  version: number;
  snapshot: ColumnType<unknown, string, string>;
  published_by_account_id: number;
  published_by: string;
  published_at: Timestamp;
}

/** A public comment on a published plan: only what the person chose to give. */
export interface ChoicePlanCommentTable {
  id: Generated<number>;
  icb_code: string;
  publication_id: number;
  body: string;
  name: string | null;
  email: string | null;
  status: Generated<ChoicePlanCommentStatus>;
  rejection_reason: string | null;
  moderated_by_account_id: number | null;
  moderated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  answer: string | null;
  answered_by_account_id: number | null;
  answered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  received_at: Timestamp;
}

/** One attempt to comment, by a keyed, daily-rotating hash of the address (flood control). */
export interface ChoicePlanCommentAttemptTable {
  address_key: string;
  attempted_at: Timestamp;
}

/** "You said, we did": what the ICB changed because of the comments. */
export interface ChoicePlanChangeTable {
  id: Generated<number>;
  icb_code: string;
  you_said: string;
  we_did: string;
  recorded_by_account_id: number;
  recorded_by: string;
  recorded_at: Timestamp;
}


// ---- Part C (issue 11): provider accreditation (migration 029)

/** One of an ICB's published qualifying criteria; no specialty: every first outpatient service. */
export interface AccreditationCriterionTable {
  id: Generated<number>;
  icb_code: string;
  specialty_code: string | null;
  title: string;
  description: string;
  position: Generated<number>;
  created_by_account_id: number | null;
  created_at: Timestamp;
  retired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type AccreditationApplicationStatus = 'SUBMITTED' | 'REFUSED' | 'ACCREDITED';

export interface AccreditationApplicationTable {
  id: Generated<number>;
  service_id: string;
  provider_ods_code: string;
  site_ods_code: string;
  specialty_code: string;
  icb_code: string;
  clinic_type: string | null;
  min_age: number | null;
  max_age: number | null;
  consultant_team: string | null;
  status: AccreditationApplicationStatus;
  submitted_at: Timestamp;
  first_submitted_at: Timestamp;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by_account_id: number;
}

export type AccreditationOutcome = 'MET' | 'NOT_MET';

/** A line of an application's due-diligence checklist: the criterion as it was worded, the evidence, the finding. */
export interface AccreditationItemTable {
  application_id: number;
  criterion_id: number;
  title: string;
  description: string;
  position: number;
  evidence: string;
  outcome: AccreditationOutcome | null;
  note: string | null;
  checked_by_account_id: number | null;
  checked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type AccreditationAction = 'SUBMITTED' | 'CHECKED' | 'RESUBMITTED' | 'ACCREDITED' | 'REFUSED' | 'SUSPENDED' | 'REINSTATED' | 'WITHDRAWN';

/** Every step of a service's accreditation, append-only (a trigger refuses update and delete). */
export interface AccreditationEventTable {
  id: Generated<number>;
  service_id: string;
  application_id: number | null;
  action: AccreditationAction;
  reason: string | null;
  detail: Generated<unknown>;
  by_account_id: number;
  at: Timestamp;
}


// ---------------------------------------------------------------- Part D: what the referrer sees of assurance (migration 030)

/** A specialty (or one procedure in it) the ICB approves before referral (action 3.3), in force from starts_on to ends_on. */
export interface PriorApprovalRuleTable {
  id: Generated<number>;
  icb_code: string;
  specialty_code: string;
  procedure: string | null;
  criteria: string;
  how_to_apply: string;
  starts_on: string;
  ends_on: string | null;
  created_by_account_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CapacityNoticeKind = 'SPARE_CAPACITY' | 'PAUSE';

/** Spare capacity or a pause for a specialty (action 5.6), posted by the ICB or by a provider for its own services. */
export interface CapacityNoticeTable {
  id: Generated<number>;
  icb_code: string;
  posted_by: 'ICB' | 'PROVIDER';
  posted_by_ods_code: string;
  kind: CapacityNoticeKind;
  specialty_code: string;
  provider_ods_code: string | null;
  service_id: string | null;
  title: string;
  body: string;
  starts_on: string;
  ends_on: string;
  withdrawn_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by_account_id: number | null;
  created_at: Timestamp;
}

// ---------------------------------------------------------------- Issue 12, backup-maint (migration 037)

/** A period of maintenance mode: writes refused on every instance while ended_at is null. */
export interface MaintenancePeriodTable {
  id: Generated<number>;
  started_at: ColumnType<Date, Date | string | undefined, never>;
  /** the admin's username */
  started_by: string;
  expected_until: ColumnType<Date, Date | string, Date | string>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  ended_by: string | null;
}

export interface DB {
  maintenance_period: MaintenancePeriodTable;
}

// ---------------------------------------------------------------- Issue 12, operations (migration 036)
export type SecurityEventKind = 'ACCOUNT_LOCKED' | 'ACCOUNT_LOCKED_REPEATEDLY' | 'ACCOUNT_UNLOCKED' | 'ADDRESS_LIMITED';

export interface SecurityEventTable {
  id: Generated<string>;
  kind: SecurityEventKind;
  account: string | null;
  source_address_hash: string | null;
  actor_account_id: number | null;
  occurred_at: Timestamp;
  detail: ColumnType<string, string | undefined, string>;
}

export interface DB {
  security_event: SecurityEventTable;
}

// ---------------------------------------------------------------- Issue 12, read-audit (migration 034)

/** One patient or referral shown to someone (src/http/read-audit.ts); append-only, the trigger refuses changes. */
export interface PatientReadAuditTable {
  id: ColumnType<string, never, never>;
  read_at: ColumnType<Date, Date | string | undefined, never>;
  account_id: number | null;
  username: string | null;
  role: string;
  organisation_ods_code: string | null;
  organisation_name: string | null;
  ubrn: string | null;
  nhs_number: string | null;
  route: string;
  purpose: string | null;
  request_id: string | null;
}

export interface DB {
  patient_read_audit: PatientReadAuditTable;
}

// ---------------------------------------------------------------- Issue 12, csv-import (migration 033)
export interface ReferralTable {
  /**
   * Who reported registered_gp_ods_code: a provider's ODS code when a waiting-list import named the practice (not
   * checked against the practice's own records); null when the practice is the referring organisation's own word.
   */
  registered_gp_reported_by_ods_code: Generated<string | null>;
}

export interface DB {
  referral: ReferralTable;
}
