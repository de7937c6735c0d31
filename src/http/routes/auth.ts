import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getMerchant } from '../../core/tenancy/merchant.service.ts';
import { login, logout } from '../../core/tenancy/staff.service.ts';
import { DomainError } from '../../lib/errors.ts';
import { Body, ErrorResponse, Nullable, Timestamp, Uuid } from '../../lib/schema.ts';

const StaffView = Type.Object({
  id: Uuid,
  login: Type.String(),
  display_name: Type.String(),
  role: Type.String(),
  store_id: Nullable(Uuid),
});

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/login',
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Staff password login; five failures in a row lock the account for 15 minutes',
        security: [],
        body: Body({
          login: Type.String({ minLength: 1, maxLength: 100 }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: {
          200: Type.Object({ token: Type.String(), expires_at: Timestamp, staff: StaffView }),
          401: ErrorResponse,
          423: ErrorResponse,
        },
      },
    },
    async (request) => {
      const result = await login(
        app.db,
        request.body.login,
        request.body.password,
        new Date(),
        app.config.sessionHours,
      );
      if (!result.ok) throw new DomainError(result.code);
      return { token: result.token, expires_at: result.expiresAt, staff: result.staff };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { permission: 'members.read' },
      schema: { tags: ['auth'], response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await logout(app.db, request.headers.authorization?.slice(7) ?? '');
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
          200: Type.Object({
            actor: Type.Object({
              kind: Type.String(),
              id: Nullable(Uuid),
              role: Nullable(Type.String()),
              permissions: Type.Array(Type.String()),
            }),
            merchant: Type.Object({
              id: Uuid,
              name: Type.String(),
              time_zone: Type.String(),
              currency: Type.String(),
              card_prefix: Type.String(),
            }),
          }),
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
      };
    },
  );
};
