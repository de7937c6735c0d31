import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { login } from '../../core/tenancy/login.service.ts';
import { addressScope } from '../../core/tenancy/login-throttle.rules.ts';
import { getMerchant } from '../../core/tenancy/merchant.service.ts';
import { endSession } from '../../core/tenancy/session.service.ts';
import { LoginResult, Me } from '../../core/tenancy/tenancy.schema.ts';
import { DomainError } from '../../lib/errors.ts';
import { Body, ErrorResponse } from '../../lib/schema.ts';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/login',
    {
      config: {
        public: true,
        rateLimit: {
          max: 30,
          timeWindow: '1 minute',
          keyGenerator: (request) => addressScope(request.ip),
        },
      },
      schema: {
        tags: ['auth'],
        summary:
          'Staff password login, throttled per login and per address with a growing delay (429 auth.locked + Retry-After)',
        security: [],
        body: Body({
          login: Type.String({ minLength: 1, maxLength: 100 }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: {
          200: LoginResult,
          401: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const input = { ...request.body, address: request.ip };
      const result = await login(app.db, input, new Date(), app.config);
      if (result.ok)
        return { token: result.token, expires_at: result.expiresAt, staff: result.staff };
      if (result.code === 'auth.invalid_credentials') throw new DomainError(result.code);
      reply.header('retry-after', String(result.retryAfterSeconds));
      throw new DomainError(result.code, {
        params: { retry_after_seconds: result.retryAfterSeconds },
      });
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { permission: 'members.read' },
      schema: {
        tags: ['auth'],
        summary: 'Ends the calling session (an API key stays valid: revoke it instead)',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      // the session the auth hook read from this request's token: logout parses nothing itself
      if (request.session) {
        app.sessions.delete(request.session.token_hash);
        await endSession(app.db, request.session.token_hash);
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { permission: 'members.read' },
      schema: {
        tags: ['auth'],
        summary: 'Who is calling, for which merchant, with which permissions',
        response: {
          200: Me,
        },
      },
    },
    async (request) => {
      const { actor } = request.ctx;
      const merchant = await getMerchant(app.db, request.ctx);
      return {
        actor: {
          kind: actor.kind,
          id: actor.id,
          role: actor.role,
          permissions: [...actor.permissions],
        },
        merchant,
        failed_logins_since_last_login: request.session?.failed_logins_before ?? 0,
        last_failed_login_at: request.session?.last_failed_login_at ?? null,
      };
    },
  );
};
