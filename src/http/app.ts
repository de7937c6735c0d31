import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import type PgBoss from 'pg-boss';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { registerApiDocs } from './plugins/api-docs.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerConsole } from './plugins/console-static.ts';
import { registerErrorHandler } from './plugins/errors.ts';
import { documentPermissions } from './plugins/openapi-permissions.ts';
import { registerPiiMask } from './plugins/pii.ts';
import { registerSecurityHeaders } from './plugins/security-headers.ts';
import { refuseNulBytes } from './plugins/text-input.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { authRoutes } from './routes/auth.ts';
import { automationRoutes } from './routes/automations.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { catalogueRoutes } from './routes/catalogue.ts';
import { couponRoutes } from './routes/coupons.ts';
import { customFieldRoutes } from './routes/custom-fields.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { guideRoutes } from './routes/guides.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { mallRoutes } from './routes/mall.ts';
import { memberBulkRoutes } from './routes/member-bulk.ts';
import { memberInsightRoutes } from './routes/member-insight.ts';
import { memberPageRoutes } from './routes/member-page.ts';
import { memberPrivacyRoutes } from './routes/member-privacy.ts';
import { memberSettingsRoutes } from './routes/member-settings.ts';
import { memberSignInRoutes } from './routes/member-sign-in.ts';
import { memberRoutes } from './routes/members.ts';
import { membershipRoutes } from './routes/membership.ts';
import { merchantRoutes } from './routes/merchant.ts';
import { messagingRoutes } from './routes/messaging.ts';
import { orderRoutes } from './routes/orders.ts';
import { pointsRoutes } from './routes/points.ts';
import { rechargePlanRoutes } from './routes/recharge-plans.ts';
import { referralRoutes } from './routes/referral.ts';
import { reportRoutes } from './routes/reports.ts';
import { rfmRoutes } from './routes/rfm.ts';
import { segmentRoutes } from './routes/segments.ts';
import { settlementRoutes } from './routes/settlement.ts';
import { staffRoutes } from './routes/staff.ts';
import { storeRoutes } from './routes/stores.ts';
import { tagRoutes } from './routes/tags.ts';
import { tierRoutes } from './routes/tiers.ts';
import { walletRoutes } from './routes/wallet.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import './types.ts';

export interface AppDeps {
  db: Db;
  config: Config;
  boss?: PgBoss;
  logger?: FastifyBaseLogger;
}

/** Builds the HTTP application without listening: tests drive it with `app.inject()`. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger.child({}, { serializers: { req: requestLogLine } }) }
      : { logger: false }),
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (none by default):
    // otherwise anyone could pick their address and walk past per-address login throttling.
    trustProxy: deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  }).setValidatorCompiler(TypeBoxValidatorCompiler);
  app.decorate('db', deps.db);
  app.decorate('config', deps.config);
  app.decorate('boss', deps.boss);
  app.decorateRequest('ctx', null as never);

  registerErrorHandler(app);
  registerAuth(app);
  documentPermissions(app);
  refuseNulBytes(app);
  await registerSecurityHeaders(app);
  const corsOrigin = process.env.CORS_ORIGIN;
  if (corsOrigin)
    await app.publicRoutes(() => app.register(cors, { origin: corsOrigin.split(',') }));
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: deps.config.uploadLimitBytes, files: 1 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Regulars API',
        version: '0.1.0',
        description:
          'Membership management and precision marketing. Errors are `{ error: { code, message, field } }`; value-moving POSTs take an `Idempotency-Key` header.',
      },
      components: {
        securitySchemes: {
          session: {
            type: 'http',
            scheme: 'bearer',
            description: 'staff session token from POST /api/auth/login',
          },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'API key `rk_…` (also accepted in X-Api-Key)',
          },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
  });
  await registerApiDocs(app);
  registerPiiMask(app);

  await app.register(healthRoutes);
  await app.register(authRoutes, { prefix: '/api' });
  await app.register(merchantRoutes, { prefix: '/api' });
  await app.register(messagingRoutes, { prefix: '/api' });
  await app.register(storeRoutes, { prefix: '/api' });
  await app.register(staffRoutes, { prefix: '/api' });
  await app.register(apiKeyRoutes, { prefix: '/api' });
  await app.register(customFieldRoutes, { prefix: '/api' });
  await app.register(memberRoutes, { prefix: '/api' });
  await app.register(importRoutes, { prefix: '/api' });
  await app.register(tierRoutes, { prefix: '/api' });
  await app.register(pointsRoutes, { prefix: '/api' });
  await app.register(mallRoutes, { prefix: '/api' });
  await app.register(couponRoutes, { prefix: '/api' });
  await app.register(campaignRoutes, { prefix: '/api' });
  await app.register(automationRoutes, { prefix: '/api' });
  await app.register(catalogueRoutes, { prefix: '/api' });
  await app.register(orderRoutes, { prefix: '/api' });
  await app.register(rechargePlanRoutes, { prefix: '/api' });
  await app.register(walletRoutes, { prefix: '/api' });
  await app.register(membershipRoutes, { prefix: '/api' });
  await app.register(reportRoutes, { prefix: '/api' });
  await app.register(settlementRoutes, { prefix: '/api' });
  await app.register(dashboardRoutes, { prefix: '/api' });
  await app.register(referralRoutes, { prefix: '/api' });
  await app.register(segmentRoutes, { prefix: '/api' });
  await app.register(tagRoutes, { prefix: '/api' });
  await app.register(rfmRoutes, { prefix: '/api' });
  await app.register(guideRoutes, { prefix: '/api' });
  await app.register(webhookRoutes, { prefix: '/api' });
  await app.register(memberInsightRoutes, { prefix: '/api' });
  await app.register(memberBulkRoutes, { prefix: '/api' });
  await app.register(memberSignInRoutes, { prefix: '/api' });
  await app.register(memberPageRoutes, { prefix: '/api' });
  await app.register(memberSettingsRoutes, { prefix: '/api' });
  await app.register(memberPrivacyRoutes, { prefix: '/api' });

  await registerConsole(app);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

/** Request log lines keep the path only: query strings carry phone numbers and codes. */
function requestLogLine(request: FastifyRequest) {
  return { method: request.method, url: request.url.split('?')[0], remoteAddress: request.ip };
}
