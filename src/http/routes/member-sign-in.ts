import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Ctx } from '../../core/context.ts';
import {
  CodeRequestBody,
  CodeSent,
  Landing,
  LandingQuery,
  MerchantParams,
  SignedIn,
  SignInBody,
} from '../../core/member-app/member-app.schema.ts';
import { consumeCode, requestCode } from '../../core/member-app/member-otp.service.ts';
import {
  endMemberSession,
  openMemberSession,
} from '../../core/member-app/member-session.service.ts';
import { addressScope } from '../../core/tenancy/login-throttle.rules.ts';
import { getMerchant } from '../../core/tenancy/merchant.service.ts';
import { assertFound } from '../../lib/errors.ts';
import { ErrorResponse } from '../../lib/schema.ts';
import { requestLocale } from '../plugins/errors.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['member page'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse };

/** Before sign-in there is no session: the member's link names the merchant. */
async function linkCtx(request: FastifyRequest, merchantId: string): Promise<Ctx> {
  const ctx: Ctx = {
    merchantId,
    actor: { kind: 'member', id: null, role: null, permissions: new Set() },
    now: new Date(),
    locale: requestLocale(request),
  };
  return ctx;
}

/**
 * Per address and route, on top of the per-phone limits the codes themselves keep (the key
 * names the route: the limiter's store is shared with the staff login's).
 */
const perAddress = (name: string, max: number) => ({
  max,
  timeWindow: '1 minute',
  keyGenerator: (request: FastifyRequest) => `member-${name}:${addressScope(request.ip)}`,
});

export const memberSignInRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/member/m/:merchantId',
    {
      config: { public: true, rateLimit: perAddress('landing', 120) },
      schema: {
        tags,
        summary: "What a member's link shows before sign-in: the merchant's and the store's name",
        security: [],
        params: MerchantParams,
        querystring: LandingQuery,
        response: { 200: Landing, ...errors },
      },
    },
    async (request) => {
      const ctx = await linkCtx(request, request.params.merchantId);
      const merchant = await getMerchant(app.db, ctx);
      const storeId = request.query.store_id;
      const store = storeId
        ? assertFound(
            await app.db
              .selectFrom('store')
              .select(['id', 'name'])
              .where('merchant_id', '=', ctx.merchantId)
              .where('id', '=', storeId)
              .executeTakeFirst(),
            'store.not_found',
            'store_id',
          )
        : null;
      return { merchant: { id: merchant.id, name: merchant.name }, store };
    },
  );

  app.post(
    '/member/m/:merchantId/codes',
    {
      config: { public: true, rateLimit: perAddress('codes', 20) },
      schema: {
        tags,
        summary:
          'Send a sign-in code by SMS (through the outbox): one a phone per minute, ten a day, twenty an address per minute',
        security: [],
        params: MerchantParams,
        body: CodeRequestBody,
        response: { 201: CodeSent, ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await linkCtx(request, request.params.merchantId);
      await getMerchant(app.db, ctx);
      const sent = await inTransaction(app.db, (trx) =>
        requestCode(trx, ctx, { phone: request.body.phone, purpose: 'sign_in' }),
      );
      return reply.code(201).send(sent);
    },
  );

  app.post(
    '/member/m/:merchantId/sessions',
    {
      config: { public: true, rateLimit: perAddress('sign-in', 30) },
      schema: {
        tags,
        summary:
          'Sign in with the phone and its one-time code: a member session (ms_ token), also for a phone that is no member yet',
        security: [],
        params: MerchantParams,
        body: SignInBody,
        response: { 201: SignedIn, ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await linkCtx(request, request.params.merchantId);
      await getMerchant(app.db, ctx);
      const { phone } = await consumeCode(app.db, ctx, {
        phone: request.body.phone,
        purpose: 'sign_in',
        code: request.body.code,
      });
      const session = await inTransaction(app.db, (trx) =>
        openMemberSession(trx, ctx, {
          phone,
          store_id: request.body.store_id,
          share_code: request.body.share_code,
        }),
      );
      return reply.code(201).send(session);
    },
  );

  app.delete(
    '/member/session',
    {
      config: { permission: 'member.self' },
      schema: {
        tags,
        summary: 'Sign out: ends the calling member session',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const session = request.memberSession;
      if (session) {
        app.memberSessions.delete(session.token_hash);
        await endMemberSession(app.db, request.ctx, session.token_hash);
      }
      return reply.code(204).send(null);
    },
  );
};
