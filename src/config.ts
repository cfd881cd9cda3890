import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** HMRC's approved mileage rate for a car. */
export const DEFAULT_TRAVEL_COST_PENCE_PER_MILE = 45;

/** An address '10.0.0.1' or a range '10.0.0.0/8', IPv4 or IPv6. */
function isAddressOrRange(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

// The proxies (load balancers) whose X-Forwarded-For is believed: a comma-separated list of addresses and ranges.
const trustedProxies = z.string().transform((text, ctx) => {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = entries.filter((e) => !isAddressOrRange(e));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `must be addresses or ranges like 10.0.0.1 or 10.0.0.0/8, separated by commas (not ${bad.join(', ')})` });
    return z.NEVER;
  }
  return entries;
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TRUSTED_PROXIES: trustedProxies.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATA_DIR: z.string().min(1).default('data'),
  LOAD_DEMO_DATA: bool.optional(),
  TRAVEL_COST_PENCE_PER_MILE: z.coerce.number().min(0).max(500).default(DEFAULT_TRAVEL_COST_PENCE_PER_MILE),
  DEFAULT_MAX_DISTANCE_KM: z.coerce.number().positive().max(2000).default(80),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(100_000),
  IMPORT_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(2_000_000_000).default(200_000_000),
  DIRECTORY_REFRESH_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  POSTCODES_IN_MEMORY: bool.default(true),
  ACCESS_CODE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  OIDC_ISSUER: z.url('must be the identity provider\'s issuer URL').optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URI: z.url('must be this service\'s /sign-in/oidc/callback URL').optional(),
  OIDC_SCOPE: z.string().min(1).default('openid profile'),
  OIDC_ALLOW_HTTP: bool.default(false),
  NHS_LOGIN_ISSUER: z.url('must be NHS login\'s issuer URL').optional(),
  NHS_LOGIN_CLIENT_ID: z.string().min(1).optional(),
  NHS_LOGIN_CLIENT_SECRET: z.string().min(1).optional(),
  NHS_LOGIN_REDIRECT_URI: z.url('must be this service\'s /manage/nhs-login/callback URL').optional(),
  NHS_LOGIN_SCOPE: z.string().min(1).default('openid profile'),
  NHS_LOGIN_ALLOW_HTTP: bool.default(false),
  JOBS_ENABLED: bool.optional(),
  JOBS_POOL_SIZE: z.coerce.number().int().min(1).max(10).default(3),
  OUTBOX_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  OUTBOX_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  CONTACT_BY_REMINDER_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  NOTIFY_API_KEY: z.string().min(1).optional(),
  NOTIFY_TEMPLATE_IDS: z
    .string()
    .transform((text, ctx) => {
      try {
        return z.record(z.string().regex(/^[A-Z_]+:(letter|email|sms)(:(easy-read|welsh))?$/, "keys look like 'BOOKING_CONFIRMATION:email' or 'BOOKING_CONFIRMATION:letter:welsh'"), z.string().min(1)).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of template ids by "KIND:channel"' });
        return z.NEVER;
      }
    })
    .optional(),
  ASI_ESCALATION_EMAIL: z.string().email().optional(),
  PIDMAS_THRESHOLD_WEEKS: z.coerce.number().int().min(18).max(104).default(40),
  MATCHING_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (a long random value)').regex(/^\S+$/, 'must have no spaces').optional(),
  READ_AUDIT_RETENTION_YEARS: z.coerce.number().int().min(6, 'must be at least 6 (the read audit\'s floor, migration 034)').max(100).default(8),
  PUBLIC_URL: z.url('must be the address patients use, like https://openchoice.example.nhs.uk').optional(),
  MAINTENANCE_UNTIL: z.iso.datetime({ offset: true, error: 'must be a date and time with its offset, like 2026-12-05T06:00:00Z' }).optional(),
});

/** An OpenID Connect provider (NHS CIS2, NHS login or another) that users sign in through. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
  /** Plain http to the provider: only for tests and local development. */
  allowHttp: boolean;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /**
   * Addresses and ranges of the proxies in front of the service whose X-Forwarded-For names the client (sign-in
   * limits count failures by the client's address). Empty: the socket's address, and X-Forwarded-For is ignored.
   */
  trustedProxies: readonly string[];
  logLevel: string;
  database:
    | { kind: 'postgres'; url: string; poolSize: number }
    // otherClients: connections that others (the job queue's own pool) open to the embedded database's server.
    | { kind: 'pglite'; dataDir: string; poolSize: number; otherClients?: number };
  /** Load the demo data set into an empty database on start. */
  loadDemoData: boolean;
  /** where patients reach the service; links in messages start with it */
  publicUrl: string;
  pidmas: { thresholdWeeks: number; matchingIntervalMinutes: number };
  travelCostPencePerMile: number;
  defaultMaxDistanceKm: number;
  bodyLimitBytes: number;
  /** Largest waiting-list CSV (POST /api/v1/pathways/import), streamed, so not held in memory: 300,000 rows are about 40 MB. */
  importBodyLimitBytes: number;
  /** How stale the in-memory directory may be before an instance checks the database for changes. */
  directoryRefreshMs: number;
  /** Keep every postcode in memory (about 42 MB for GB) instead of asking the database each time. */
  postcodesInMemory: boolean;
  /** Key of the HMAC that access codes are stored under (see src/auth/access-codes.ts). */
  accessCodeSecret: string;
  /** Staff sign-in through an OpenID Connect provider (NHS CIS2 or another), when configured. */
  oidc: OidcSettings | null;
  /** Patients sign in through NHS login (OpenID Connect, `nhs_number` claim), when configured. */
  nhsLogin: OidcSettings | null;
  /** Background jobs (pg-boss): sending the outbox, contact-by reminders and escalations. Off in tests. */
  jobs: { enabled: boolean; poolSize: number; outboxIntervalSeconds: number; reminderDaysBefore: number };
  /** Maintenance mode on this instance until then (src/maintenance), whatever the admins' switch says; null for none. */
  maintenanceUntil: Date | null;
  messages: {
    /** GOV.UK Notify when NOTIFY_API_KEY is set; otherwise the local message log (development, the demo). */
    delivery: { via: 'notify'; apiKey: string; templates: Readonly<Record<string, string>> } | { via: 'local' };
    maxAttempts: number;
    retryBaseSeconds: number;
    /** Where ASI reminders and escalations go for a provider with no provider_contact row. */
    asiEscalationEmail: string;
  };
  /** The bearer token of GET /metrics and GET /health/detail for operators' machines; null: those routes are off (404). */
  metricsToken: string | null;
  /** How long the read audit (who saw what) is kept before the daily purge deletes it; at least six years. */
  readAuditRetentionYears: number;
}

export class ConfigError extends Error {}

/** All four settings of an OpenID Connect provider, or none: half a configuration is a mistake to report. */
function oidcSettings(e: z.infer<typeof envSchema>, prefix: 'OIDC' | 'NHS_LOGIN'): OidcSettings | null {
  const given = {
    [`${prefix}_ISSUER`]: e[`${prefix}_ISSUER`],
    [`${prefix}_CLIENT_ID`]: e[`${prefix}_CLIENT_ID`],
    [`${prefix}_CLIENT_SECRET`]: e[`${prefix}_CLIENT_SECRET`],
    [`${prefix}_REDIRECT_URI`]: e[`${prefix}_REDIRECT_URI`],
  };
  const missing = Object.entries(given).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length === 4) return null;
  if (missing.length > 0) throw new ConfigError(`Invalid settings:\n  ${prefix === 'OIDC' ? 'OpenID Connect' : 'NHS login'} needs ${missing.join(', ')} as well`);
  const allowHttp = e[`${prefix}_ALLOW_HTTP`];
  if (allowHttp && e.NODE_ENV === 'production') throw new ConfigError(`Invalid settings:\n  ${prefix}_ALLOW_HTTP must not be true in production`);
  return {
    issuer: e[`${prefix}_ISSUER`]!,
    clientId: e[`${prefix}_CLIENT_ID`]!,
    clientSecret: e[`${prefix}_CLIENT_SECRET`]!,
    redirectUri: e[`${prefix}_REDIRECT_URI`]!,
    scope: e[`${prefix}_SCOPE`],
    allowHttp,
  };
}

// Good enough for a laptop's demo data; production must set its own (checked below).
const DEVELOPMENT_ACCESS_CODE_SECRET = 'development-only: set ACCESS_CODE_SECRET in production';
// Nobody reads it: '.invalid' can never be delivered to.
const DEVELOPMENT_ASI_EMAIL = 'asi-escalations@openchoice.invalid';

/** Reads settings from the environment; throws ConfigError listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid settings:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const database: Config['database'] = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
    : { kind: 'pglite', dataDir: resolve(e.DATA_DIR, 'pglite'), poolSize: e.DATABASE_POOL_SIZE, otherClients: e.JOBS_POOL_SIZE };
  const config: Config = {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    trustedProxies: e.TRUSTED_PROXIES ?? [],
    logLevel: e.LOG_LEVEL,
    database,
    loadDemoData: e.LOAD_DEMO_DATA ?? e.NODE_ENV !== 'production',
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    pidmas: { thresholdWeeks: e.PIDMAS_THRESHOLD_WEEKS, matchingIntervalMinutes: e.MATCHING_INTERVAL_MINUTES },
    travelCostPencePerMile: e.TRAVEL_COST_PENCE_PER_MILE,
    defaultMaxDistanceKm: e.DEFAULT_MAX_DISTANCE_KM,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    importBodyLimitBytes: e.IMPORT_BODY_LIMIT_BYTES,
    directoryRefreshMs: e.DIRECTORY_REFRESH_MS,
    postcodesInMemory: e.POSTCODES_IN_MEMORY,
    accessCodeSecret: e.ACCESS_CODE_SECRET ?? DEVELOPMENT_ACCESS_CODE_SECRET,
    oidc: oidcSettings(e, 'OIDC'),
    nhsLogin: oidcSettings(e, 'NHS_LOGIN'),
    jobs: {
      enabled: e.JOBS_ENABLED ?? e.NODE_ENV !== 'test',
      poolSize: e.JOBS_POOL_SIZE,
      outboxIntervalSeconds: e.OUTBOX_INTERVAL_SECONDS,
      reminderDaysBefore: e.CONTACT_BY_REMINDER_DAYS,
    },
    maintenanceUntil: e.MAINTENANCE_UNTIL ? new Date(e.MAINTENANCE_UNTIL) : null,
    messages: {
      delivery: e.NOTIFY_API_KEY ? { via: 'notify', apiKey: e.NOTIFY_API_KEY, templates: e.NOTIFY_TEMPLATE_IDS ?? {} } : { via: 'local' },
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryBaseSeconds: e.OUTBOX_RETRY_BASE_SECONDS,
      asiEscalationEmail: e.ASI_ESCALATION_EMAIL ?? DEVELOPMENT_ASI_EMAIL,
    },
    metricsToken: e.METRICS_TOKEN ?? null,
    readAuditRetentionYears: e.READ_AUDIT_RETENTION_YEARS,
  };
  if (config.env === 'production') assertProductionReady(config, e.PUBLIC_URL !== undefined);
  return config;
}

/** Production must run on a real PostgreSQL server, must not invent data, and must know its own address. */
function assertProductionReady(config: Config, publicUrlGiven: boolean): void {
  const problems: string[] = [];
  if (config.database.kind !== 'postgres') problems.push('DATABASE_URL must be set (the embedded database is for development only)');
  if (config.loadDemoData) problems.push('LOAD_DEMO_DATA must not be true in production');
  if (config.accessCodeSecret === DEVELOPMENT_ACCESS_CODE_SECRET) problems.push('ACCESS_CODE_SECRET must be set (32 characters or more, kept secret)');
  // Every letter and message tells the patient where to go: a guessed localhost address would send them nowhere.
  if (!publicUrlGiven) problems.push('PUBLIC_URL must be set to the address patients use, like https://openchoice.example.nhs.uk');
  // Without Notify, messages only reach the local log: allowed (server.ts warns), but a Notify set-up must be whole.
  if (config.messages.delivery.via === 'notify') {
    if (Object.keys(config.messages.delivery.templates).length === 0) problems.push('NOTIFY_TEMPLATE_IDS must be set when NOTIFY_API_KEY is');
    if (config.messages.asiEscalationEmail === DEVELOPMENT_ASI_EMAIL) problems.push('ASI_ESCALATION_EMAIL must be set when NOTIFY_API_KEY is');
  }
  if (problems.length > 0) throw new ConfigError(`Refusing to start in production mode:\n  ${problems.join('\n  ')}`);
}
