import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { createDeps } from './deps.ts';
import { enforceAccess, PUBLIC, requireAccessDeclarations } from './http/access.ts';
import { createLogger } from './http/logging.ts';
import { observeRequests } from './http/metrics.ts';
import { registerReadAudit } from './http/read-audit.ts';
import { loggableError, notFound, registerProblemHandlers, sendProblem } from './http/problem.ts';
import { refuseNulCharacters } from './http/text-guard.ts';
import { forbiddenPage, notFoundPage } from './web/page.ts';
import { frameworkErrorHandler } from './web/framework-errors.ts';
import { registerPagePlatform } from './web/platform.ts';
import { pageSessions, registerPageSecurity } from './web/session.ts';
// The features, in the order they depend on each other (each imports only those above it).
import { healthRoutes } from './health/routes.ts';
import { operationsRoutes } from './operations/routes.ts';
import type { StartupLoading } from './health/loading.ts';
import { referenceRoutes } from './reference/routes.ts';
import { directoryPages } from './directory/pages.ts';
import { directoryRoutes } from './directory/routes.ts';
import { slotPages } from './slots/pages.ts';
import { slotRoutes } from './slots/routes.ts';
import type { CancelAsProvider } from './slots/withdrawal.ts';
import { cancelAppointment } from './referrals/booking.ts';
import { shortlistPages } from './shortlist/pages.ts';
import { shortlistRoutes } from './shortlist/routes.ts';
import { authPages } from './auth/pages.ts';
import { authRoutes } from './auth/routes.ts';
import { authAdminPages } from './auth/admin-pages.ts';
import { authAdminRoutes } from './auth/admin-routes.ts';
import { principalForToken } from './auth/sessions.ts';
import { messagePages } from './messages/pages.ts';
import { messageRoutes } from './messages/routes.ts';
import { referralPages } from './referrals/pages.ts';
import { referralRoutes } from './referrals/routes.ts';
import { waitingPages } from './waiting/pages.ts';
import { waitingPanel } from './waiting/panel.ts';
import { waitingRoutes } from './waiting/routes.ts';
import { mutualAidPages } from './mutual-aid/pages.ts';
import { mutualAidRoutes } from './mutual-aid/routes.ts';
import { pidmasPages } from './pidmas/pages.ts';
import { movePanel } from './pidmas/panel.ts';
import { pidmasRoutes } from './pidmas/routes.ts';
import { triagePages } from './triage/pages.ts';
import { triageRoutes } from './triage/routes.ts';
import { choiceRoutes } from './choice/routes.ts';
import { mentalHealthPages } from './mental-health/pages.ts';
import { mentalHealthRoutes } from './mental-health/routes.ts';
import { availabilityPages } from './availability/pages.ts';
import { listingAttention } from './listing-upkeep/panel.ts';
import { listingUpkeepPages } from './listing-upkeep/pages.ts';
import { listingUpkeepRoutes } from './listing-upkeep/routes.ts';
import { patternPages } from './patterns/pages.ts';
import { patternRoutes } from './patterns/routes.ts';
import { surveyPages } from './survey/pages.ts';
import { choicePages } from './choice/pages.ts';
import { assurancePages } from './assurance/pages.ts';
import { assuranceRoutes } from './assurance/routes.ts';
import { improvementActions } from './choice-plan/panel.ts';
import { choicePlanPages } from './choice-plan/pages.ts';
import { choicePlanRoutes } from './choice-plan/routes.ts';
import { accreditationPages } from './accreditation/pages.ts';
import { accreditationRoutes } from './accreditation/routes.ts';
import { referralNoticePages } from './referral-notices/pages.ts';
import { referrerNotices } from './referral-notices/panel.ts';
import { referralNoticeRoutes } from './referral-notices/routes.ts';
import { guardWritesDuringMaintenance } from './maintenance/guard.ts';
import { maintenancePages } from './maintenance/pages.ts';
import { maintenanceRoutes } from './maintenance/routes.ts';
import { readAuditPages } from './read-audit/pages.ts';
import { readAuditRoutes } from './read-audit/routes.ts';
// The FHIR R4 interface sits above every feature whose records it maps.
import { fhirRoutes } from './fhir/routes.ts';

export interface AppOptions {
  config: Config;
  database: Database;
  /** The logger to use, or false for none (tests); by default one from createLogger. */
  logger?: Logger | false;
  /** What the starting instance still loads in the background, for /health (src/server.ts). */
  loading?: StartupLoading;
}

/**
 * Builds the whole application: the platform, then each feature's API routes and pages, registered here by name so
 * the wiring reads top to bottom. Every feature is given the same container (src/deps.ts) and reads its part of it.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const deps = createDeps(config, database, (err, what) => app.log.error({ err: loggableError(err) }, what));
  const { directory, postcodes } = deps;
  const app = Fastify({
    ...(options.logger === false ? { logger: false } : { loggerInstance: (options.logger ?? createLogger(config.logLevel)) as FastifyBaseLogger }),
    bodyLimit: config.bodyLimitBytes,
    // Requests refused before routing (a bad percent-encoding, an over-long parameter) answered as every other refusal.
    frameworkErrors: frameworkErrorHandler(config.env === 'production'),
    // Behind a load balancer each instance is stateless; request ids make log lines joinable.
    requestIdHeader: 'x-request-id',
    // request.ip is the client's address only as a configured proxy reports it: from anyone else X-Forwarded-For
    // is a claim anybody can make, and sign-in limits count by it.
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  requireAccessDeclarations(app);
  refuseNulCharacters(app);
  // Cookies, security headers (CSP with a nonce per request) and CSRF protection, before access is enforced.
  await registerPageSecurity(app, config);
  enforceAccess(app, (token) => principalForToken(database.db, token), pageSessions((request, reply) => forbiddenPage(request, reply)));
  registerProblemHandlers(app);
  // After access (a caller not let in is told so first), before any body is read: maintenance mode refuses writes.
  guardWritesDuringMaintenance(app, deps.maintenance);
  observeRequests(app);
  // Who saw what: the patients each answer showed, written after it is sent (src/http/read-audit.ts).
  registerReadAudit(app, database.db);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'OpenChoice API',
        version: '1',
        description: 'Directory of services, shortlists, referrals and booking for NHS patient choice. See shared/design/api.md.',
      },
    },
    transform: jsonSchemaTransform,
  });

  // The JSON API, feature by feature.
  await app.register(operationsRoutes(deps, options.loading));
  await app.register(healthRoutes({ ...deps, loading: options.loading }));
  await app.register(authRoutes(deps), { prefix: '/api/v1' });
  await app.register(authAdminRoutes(deps), { prefix: '/api/v1' });
  await app.register(referenceRoutes(deps), { prefix: '/api/v1' });
  await app.register(directoryRoutes(deps), { prefix: '/api/v1' });
  await app.register(shortlistRoutes(deps), { prefix: '/api/v1' });
  // Withdrawing a day of slots cancels its appointments through the referrals feature, which sits above slots.
  const cancelAsProvider: CancelAsProvider = (staff, ubrn, reason) => cancelAppointment(deps, staff, ubrn, reason);
  await app.register(slotRoutes(deps, { cancelAppointment: cancelAsProvider }), { prefix: '/api/v1' });
  await app.register(referralRoutes(deps), { prefix: '/api/v1' });
  await app.register(waitingRoutes(deps), { prefix: '/api/v1' });
  await app.register(pidmasRoutes(deps), { prefix: '/api/v1' });
  await app.register(mutualAidRoutes(deps), { prefix: '/api/v1' });
  await app.register(messageRoutes(deps), { prefix: '/api/v1' });
  await app.register(triageRoutes(deps), { prefix: '/api/v1' });
  await app.register(choiceRoutes(deps), { prefix: '/api/v1' });
  await app.register(mentalHealthRoutes(deps), { prefix: '/api/v1' });
  await app.register(listingUpkeepRoutes(deps), { prefix: '/api/v1' });
  await app.register(patternRoutes(deps), { prefix: '/api/v1' });
  await app.register(assuranceRoutes(deps), { prefix: '/api/v1' });
  await app.register(choicePlanRoutes(deps), { prefix: '/api/v1' });
  await app.register(accreditationRoutes(deps), { prefix: '/api/v1' });
  await app.register(referralNoticeRoutes(deps), { prefix: '/api/v1' });
  await app.register(maintenanceRoutes(deps), { prefix: '/api/v1' });
  await app.register(readAuditRoutes(deps), { prefix: '/api/v1' });

  // The FHIR R4 interface over the same services (OperationOutcome for refusals, within its scope).
  await app.register(fhirRoutes(deps), { prefix: '/fhir/R4' });

  // The pages, in one context: the page platform first (assets, forms, CSRF, errors as pages), then each feature's.
  // What the referrer sees of the ICB's assurance (src/referral-notices), on the referrals' and the triage's pages.
  const notices = referrerNotices(deps);
  await app.register(async (pages) => {
    await registerPagePlatform(pages, config);
    await pages.register(shortlistPages(deps));
    await pages.register(authPages(deps));
    await pages.register(authAdminPages(deps));
    // The provider's listings show listing upkeep's flags, which that feature renders.
    await pages.register(directoryPages(deps, { attention: listingAttention(deps) }));
    await pages.register(slotPages(deps, { cancelAppointment: cancelAsProvider }));
    // The referral's pages show the waiting time and the way to ask to move, which those features render; the
    // referrer's shortlist, check page and worklist show the ICB's prior-approval rules and capacity notices.
    await pages.register(referralPages(deps, { waiting: waitingPanel(deps), move: movePanel(deps), notices }));
    await pages.register(waitingPages(deps));
    await pages.register(mutualAidPages(deps));
    await pages.register(pidmasPages(deps));
    await pages.register(messagePages(deps));
    // The referral centre's offer of providers shows the practice's ICB's rules and notices, as the referrer's shortlist does.
    await pages.register(triagePages(deps, notices));
    await pages.register(mentalHealthPages(deps));
    await pages.register(availabilityPages(deps));
    await pages.register(listingUpkeepPages(deps));
    await pages.register(patternPages(deps));
    await pages.register(surveyPages(deps));
    await pages.register(choicePages(deps));
    // A self-assessment item's page lists the choice plan's improvement actions for it, which that feature renders.
    await pages.register(assurancePages(deps, improvementActions(deps)));
    await pages.register(choicePlanPages(deps));
    await pages.register(accreditationPages(deps));
    await pages.register(referralNoticePages(deps));
    await pages.register(maintenancePages(deps));
    await pages.register(readAuditPages(deps));
  });

  app.get(
    '/api/v1/openapi.json',
    { config: { access: PUBLIC('the API contract is public') }, schema: { hide: true } },
    async () => app.swagger(),
  );

  let closing = false;
  app.addHook('onReady', async () => {
    // In the background: until the postcodes are in memory, lookups ask the database.
    postcodes.warmUp().then(
      () => app.log.info('postcodes loaded into memory'),
      (err: unknown) => {
        // Stopping while they load ends their queries: that is no failure.
        if (!closing) app.log.error({ err: loggableError(err) }, 'postcodes could not be loaded into memory; the database answers instead');
      },
    );
  });
  app.addHook('onClose', async () => {
    closing = true;
    postcodes.close();
    directory.close();
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if (path.startsWith('/api/')) return sendProblem(reply, notFound(`There is no ${request.method} ${path}.`), request);
    return notFoundPage(request, reply);
  });

  return app;
}
