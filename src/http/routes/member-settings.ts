import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CodeSent,
  MarketingBody,
  MarketingState,
  MemberPayment,
  MemberPlan,
  PasswordBody,
  PasswordStatus,
  PaymentBody,
  PrivacyRequest,
  PrivacyRequestBody,
  ProfileBody,
} from '../../core/member-app/member-app.schema.ts';
import { selfOf } from '../../core/member-app/member-card.service.ts';
import { requestCode } from '../../core/member-app/member-otp.service.ts';
import {
  completePayment,
  listPayments,
  startRecharge,
} from '../../core/member-app/member-payment.service.ts';
import {
  exportOwnData,
  listPrivacyRequests,
  requestPrivacy,
} from '../../core/member-app/member-privacy.service.ts';
import {
  setOwnMarketingOptOut,
  setPasswordWithCode,
  updateOwnProfile,
} from '../../core/member-app/member-self.service.ts';
import { listRechargePlans } from '../../core/wallet/recharge-plan.service.ts';
import { DomainError } from '../../lib/errors.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['member page'];
const config = { permission: 'member.self' } as const;
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

export const memberSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/member/payment-password/code',
    {
      config: {
        ...config,
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          keyGenerator: (request) => `member-password-code:${request.memberSession?.phone}`,
        },
      },
      schema: {
        tags,
        summary: "Send a one-time code to the member's phone to set or change the payment password",
        response: { 201: CodeSent, ...errors },
      },
    },
    async (request, reply) => {
      selfOf(request.ctx);
      const phone = request.memberSession!.phone;
      const sent = await inTransaction(app.db, (trx) =>
        requestCode(trx, request.ctx, { phone, purpose: 'payment_password' }),
      );
      return reply.code(201).send(sent);
    },
  );

  app.put(
    '/member/payment-password',
    {
      config,
      schema: {
        tags,
        summary:
          'Set or change the payment password with a one-time code (the code is the identity check; 6 digits, not trivial)',
        body: PasswordBody,
        response: { 200: PasswordStatus, ...errors },
      },
    },
    (request) => setPasswordWithCode(app.db, request.ctx, request.memberSession!, request.body),
  );

  app.patch(
    '/member/profile',
    {
      config,
      schema: {
        tags,
        summary: 'Name, gender, and the birthday once (after that only staff change it)',
        body: ProfileBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => updateOwnProfile(trx, request.ctx, request.body));
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/member/marketing',
    {
      config,
      schema: {
        tags,
        summary:
          'One tap: no marketing message on any channel (service messages such as codes still come), or back in',
        body: MarketingBody,
        response: { 200: MarketingState, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        setOwnMarketingOptOut(trx, request.ctx, request.body.opted_out),
      ),
  );

  app.get(
    '/member/privacy-requests',
    {
      config,
      schema: {
        tags,
        summary: "The member's export and erasure requests and their status",
        response: { 200: Type.Object({ items: Type.Array(PrivacyRequest) }), ...errors },
      },
    },
    async (request) => ({
      items: await listPrivacyRequests(app.db, request.ctx, { member_id: selfOf(request.ctx) }),
    }),
  );

  app.post(
    '/member/privacy-requests',
    {
      config,
      schema: {
        tags,
        summary: 'Ask for an export or the erasure of the member’s data; staff act on it',
        body: PrivacyRequestBody,
        response: { 201: PrivacyRequest, ...errors },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(app.db, (trx) =>
        requestPrivacy(trx, request.ctx, request.body.kind),
      );
      return reply.code(201).send(row);
    },
  );

  app.get(
    '/member/export',
    {
      config,
      schema: {
        tags,
        summary:
          "The member's own data as one JSON document (profile, card, coupons, orders, messages)",
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (request, reply) => {
      reply.header('content-disposition', 'attachment; filename="my-data.json"');
      return exportOwnData(app.db, request.ctx);
    },
  );

  app.get(
    '/member/recharge-plans',
    {
      config,
      schema: {
        tags,
        summary: 'The recharge plans on offer',
        response: { 200: Type.Object({ items: Type.Array(MemberPlan) }) },
      },
    },
    async (request) => {
      const plans = await listRechargePlans(app.db, request.ctx, { active: true });
      return {
        items: plans.map((p) => ({
          id: p.id,
          name: p.name,
          price_fen: p.price_fen,
          bonus_fen: p.bonus_fen,
        })),
      };
    },
  );

  app.get(
    '/member/payments',
    {
      config,
      schema: {
        tags,
        summary: "The member's recent page payments (recharges started here)",
        response: { 200: Type.Object({ items: Type.Array(MemberPayment) }), ...errors },
      },
    },
    async (request) => ({ items: await listPayments(app.db, request.ctx) }),
  );

  app.post(
    '/member/payments',
    {
      config,
      schema: {
        tags,
        summary:
          'Start a recharge with a plan through a payment provider; nothing reaches the balance until it is confirmed; needs Idempotency-Key',
        body: PaymentBody,
        response: { 201: MemberPayment, ...errors },
      },
    },
    (request, reply) => {
      if (!app.config.devPayments) throw new DomainError('member_app.dev_payments_off');
      return idempotent(app.db, request, reply, 201, (trx) =>
        startRecharge(trx, request.ctx, request.body),
      );
    },
  );

  app.post(
    '/member/payments/:id/complete',
    {
      config,
      schema: {
        tags,
        summary:
          'Development provider only: "complete payment" — the recharge is made as if the gateway confirmed; needs Idempotency-Key',
        params: IdParams,
        response: { 200: MemberPayment, ...errors },
      },
    },
    (request, reply) => {
      if (!app.config.devPayments) throw new DomainError('member_app.dev_payments_off');
      return idempotent(app.db, request, reply, 200, (trx) =>
        completePayment(trx, request.ctx, request.params.id),
      );
    },
  );
};
