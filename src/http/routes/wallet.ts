import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  authMethodOf,
  authorizeWalletPayment,
  resetPaymentPassword,
  setPaymentPassword,
} from '../../core/wallet/payment-password.service.ts';
import {
  getRecharge,
  listRecharges,
  quoteRechargeRefund,
  rechargeMember,
  refundRecharge,
} from '../../core/wallet/recharge.service.ts';
import {
  PasswordStatus,
  PayBody,
  Recharge,
  RechargeBody,
  RechargeRefund,
  RechargeSummary,
  ResetPasswordBody,
  SetPasswordBody,
  UpdateWalletSettingBody,
  Wallet,
  WalletLiability,
  WalletPayment,
  WalletSetting,
} from '../../core/wallet/wallet.schema.ts';
import { getWallet, listWalletPayments, payFromWallet } from '../../core/wallet/wallet.service.ts';
import { walletLiability } from '../../core/wallet/wallet-report.service.ts';
import { getWalletSetting, updateWalletSetting } from '../../core/wallet/wallet-setting.service.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { findReplay, idempotent, inTransaction } from '../transaction.ts';

const tags = ['wallet'];
type Paid = Awaited<ReturnType<typeof payFromWallet>>;
const errors = {
  400: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  423: ErrorResponse,
};
const Limit = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  { additionalProperties: false },
);

export const walletRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/members/:id/wallet',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary:
          'Stored value: principal, bonus spendable now, monthly bonus parts, password state',
        params: IdParams,
        response: { 200: Wallet, 404: ErrorResponse },
      },
    },
    (request) => getWallet(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/members/:id/recharges',
    {
      config: { permission: 'wallet.recharge' },
      schema: {
        tags,
        summary: 'Recharge (充值) with a plan or a plain amount; needs Idempotency-Key',
        params: IdParams,
        body: RechargeBody,
        response: { 201: Recharge, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        rechargeMember(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.get(
    '/members/:id/recharges',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        params: IdParams,
        querystring: Limit,
        response: { 200: Type.Array(RechargeSummary) },
      },
    },
    (request) => listRecharges(app.db, request.ctx, request.params.id, request.query.limit ?? 50),
  );

  app.get(
    '/recharges/:id',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: Recharge, 404: ErrorResponse } },
    },
    (request) => getRecharge(app.db, request.ctx, request.params.id),
  );

  app.get(
    '/recharges/:id/refund-quote',
    {
      config: { permission: 'wallet.refund' },
      schema: {
        tags,
        summary: 'What refunding this recharge would give back now',
        params: IdParams,
        response: { 200: RechargeRefund, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    (request) => quoteRechargeRefund(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/recharges/:id/refund',
    {
      config: { permission: 'wallet.refund' },
      schema: {
        tags,
        summary:
          'Refund a recharge: principal left back less its bonus spent, its bonus forfeited; needs Idempotency-Key',
        params: IdParams,
        response: { 200: Recharge, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        refundRecharge(trx, request.ctx, request.params.id),
      ),
  );

  app.post(
    '/members/:id/wallet/pay',
    {
      config: { permission: 'wallet.pay' },
      schema: {
        tags,
        summary:
          'Pay from the balance (principal and bonus split by the merchant setting); needs Idempotency-Key',
        params: IdParams,
        body: PayBody,
        response: { 201: WalletPayment, ...errors },
      },
    },
    async (request, reply) => {
      const { payment_password, member_code, ...pay } = request.body;
      // The stored request hash must not hold the password: six digits are cheap to brute-force
      // from a sha256. The key's identity is the payment and how it was authorised.
      const method = authMethodOf({ payment_password, member_code });
      request.body = { ...pay, auth: method } as typeof request.body;
      const replay = await findReplay<Paid>(app.db, request, reply);
      if (replay) return replay.response;
      const auth = await authorizeWalletPayment(
        app.db,
        request.ctx,
        request.params.id,
        { payment_password, member_code },
        app.config.secret,
      );
      return idempotent(app.db, request, reply, 201, (trx) =>
        payFromWallet(trx, request.ctx, request.params.id, pay, auth),
      );
    },
  );

  app.get(
    '/members/:id/wallet/payments',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        params: IdParams,
        querystring: Limit,
        response: { 200: Type.Array(Type.Omit(WalletPayment, ['balances'])) },
      },
    },
    (request) =>
      listWalletPayments(app.db, request.ctx, request.params.id, request.query.limit ?? 50),
  );

  app.put(
    '/members/:id/payment-password',
    {
      config: { permission: 'wallet.pay' },
      schema: {
        tags,
        summary: 'Set the payment password (6 digits), or change it with the old one',
        params: IdParams,
        body: SetPasswordBody,
        response: { 200: PasswordStatus, ...errors },
      },
    },
    (request) => setPaymentPassword(app.db, request.ctx, request.params.id, request.body),
  );

  app.post(
    '/members/:id/payment-password/reset',
    {
      config: { permission: 'wallet.password_reset' },
      schema: {
        tags,
        summary: 'Reset a forgotten payment password after an identity check (audited)',
        params: IdParams,
        body: ResetPasswordBody,
        response: { 200: PasswordStatus, ...errors },
      },
    },
    (request) => resetPaymentPassword(app.db, request.ctx, request.params.id, request.body),
  );

  app.get(
    '/wallet/settings',
    {
      config: { permission: 'members.read' },
      schema: { tags, response: { 200: WalletSetting } },
    },
    (request) => getWalletSetting(app.db, request.ctx),
  );

  app.put(
    '/wallet/settings',
    {
      config: { permission: 'merchant.admin' },
      schema: {
        tags,
        summary:
          'Spending order, password threshold, member code as password, pay-to-join minimum (merchant.admin)',
        body: UpdateWalletSettingBody,
        response: { 200: WalletSetting, 400: ErrorResponse },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => updateWalletSetting(trx, request.ctx, request.body)),
  );

  app.get(
    '/reports/wallet-liability',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary: 'Outstanding stored value per store: principal vs bonus',
        response: { 200: WalletLiability },
      },
    },
    (request) => walletLiability(app.db, request.ctx),
  );
};
