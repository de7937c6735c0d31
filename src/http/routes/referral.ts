import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  BindingResponse,
  CommissionAccount,
  DecisionBody,
  InviteBody,
  ReferralSettingBody,
  ReferralSettingPatch,
  ShareResponse,
  WithdrawalBody,
  WithdrawalResponse,
} from '../../core/referral/referral.schema.ts';
import {
  bindingOf,
  getReferralSetting,
  inviteByCode,
  shareOf,
  updateReferralSetting,
} from '../../core/referral/referral.service.ts';
import { claimShared } from '../../core/referral/referral-claim.service.ts';
import {
  commissionAccount,
  decideWithdrawal,
  listWithdrawals,
  requestWithdrawal,
} from '../../core/referral/referral-payout.service.ts';
import { referralReport } from '../../core/referral/referral-report.service.ts';
import {
  Body,
  DateString,
  ErrorResponse,
  IdParams,
  Nullable,
  Timestamp,
  Uuid,
} from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['referral'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const SettingResponse = Type.Object({ ...ReferralSettingBody.properties, updated_at: Timestamp });

export const referralRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/referral/settings',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Referral rules (全民拓客): binding event and window, commission rule and payout',
        response: { 200: SettingResponse },
      },
    },
    (request) => getReferralSetting(app.db, request.ctx),
  );

  app.patch(
    '/referral/settings',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Change the referral rules',
        body: ReferralSettingPatch,
        response: { 200: SettingResponse, 400: ErrorResponse },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => updateReferralSetting(trx, request.ctx, request.body)),
  );

  app.get(
    '/members/:id/referral',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'A member’s share code, link and QR (made on first ask), sharer and commission',
        params: IdParams,
        response: {
          200: Type.Object({
            share: ShareResponse,
            binding: Nullable(BindingResponse),
            account: CommissionAccount,
          }),
          ...errors,
        },
      },
    },
    (request) =>
      inTransaction(app.db, async (trx) => ({
        share: await shareOf(trx, request.ctx, request.params.id),
        binding: await bindingOf(trx, request.ctx, request.params.id),
        account: await commissionAccount(trx, request.ctx, request.params.id),
      })),
  );

  app.post(
    '/referral/invitations',
    {
      config: { permission: 'members.write' },
      schema: {
        tags,
        summary: 'A new customer arrived through a share link: bound at the binding event',
        description:
          'The binding stays pending until the merchant’s binding event (first claim of a shared ' +
          'coupon, or first payment) within the binding window; the first sharer wins.',
        body: InviteBody,
        response: { 201: BindingResponse, ...errors },
      },
    },
    async (request, reply) => {
      const binding = await inTransaction(app.db, (trx) =>
        inviteByCode(trx, request.ctx, request.body),
      );
      return reply.code(201).send(binding);
    },
  );

  app.post(
    '/referral/shares/:code/claim',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary: 'Claim the coupon or card a sharer shared; binds on claim; needs Idempotency-Key',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }),
        body: Body({ member_id: Uuid, template_id: Uuid, store_id: Nullable(Uuid) }),
        response: {
          201: Type.Object({
            coupon_id: Uuid,
            coupon_code: Type.String(),
            binding: Nullable(BindingResponse),
          }),
          ...errors,
        },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        claimShared(trx, request.ctx, { code: request.params.code, ...request.body }),
      ),
  );

  app.post(
    '/members/:id/referral/withdrawals',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary: 'Ask to withdraw commission (an owner approves or refuses); needs Idempotency-Key',
        params: IdParams,
        body: WithdrawalBody,
        response: { 201: WithdrawalResponse, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        requestWithdrawal(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.get(
    '/referral/withdrawals',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'Commission withdrawal requests, newest first (200 at most)',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([
                Type.Literal('pending'),
                Type.Literal('approved'),
                Type.Literal('refused'),
              ]),
            ),
            member_id: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(WithdrawalResponse), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    (request) => listWithdrawals(app.db, request.ctx, request.query),
  );

  app.post(
    '/referral/withdrawals/:id/decision',
    {
      config: { permission: 'referral.payout' },
      schema: {
        tags,
        summary: 'Approve (paid out of band) or refuse a pending withdrawal, once',
        params: IdParams,
        body: DecisionBody,
        response: { 200: WithdrawalResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        decideWithdrawal(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.get(
    '/reports/referral',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports', ...tags],
        summary: 'Referral report per sharer and per store between two local dates',
        querystring: Type.Object(
          { from: DateString, to: DateString },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            sharers: Type.Array(
              Type.Object({
                member_id: Uuid,
                card_no: Type.String(),
                name: Nullable(Type.String()),
                referees: Type.Integer(),
                orders: Type.Integer(),
                sales_fen: Type.Integer(),
                commission_fen: Type.Integer(),
                points: Type.Integer(),
                unrecovered_fen: Type.Integer({
                  description: 'bonus commission its reversals could not take back (already spent)',
                }),
              }),
            ),
            stores: Type.Array(
              Type.Object({
                store_id: Uuid,
                store_name: Type.String(),
                bound: Type.Integer(),
                orders: Type.Integer(),
                sales_fen: Type.Integer(),
                commission_fen: Type.Integer(),
                points: Type.Integer(),
                unrecovered_fen: Type.Integer({
                  description: 'bonus commission its reversals could not take back (already spent)',
                }),
              }),
            ),
          }),
          400: ErrorResponse,
        },
      },
    },
    (request) => referralReport(app.db, request.ctx, request.query),
  );
};
