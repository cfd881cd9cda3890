// Kysely table types; they mirror src/db/migrations/*.sql.
import type { ColumnType, Generated } from 'kysely';

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
export type AccreditationStatus = 'PENDING' | 'ACCREDITED' | 'REJECTED' | 'SUSPENDED';
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
  latitude: number;
  longitude: number;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface ImportRunTable {
  id: Generated<number>;
  kind: string;
  source: string;
  source_sha256: string;
  started_at: Timestamp;
  finished_at: Generated<Timestamp>;
  report: unknown;
}

export interface DataVersionTable {
  name: 'directory' | 'postcodes';
  version: Generated<number>;
  changed_at: Generated<Timestamp>;
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
  created_at: Generated<Timestamp>;
}

export interface AuthSessionTable {
  token_hash: string;
  account_id: number;
  kind: 'api' | 'page';
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface SignInFailureTable {
  key: string;
  failed_at: Generated<Timestamp>;
}

export interface DB {
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
  import_run: ImportRunTable;
}
