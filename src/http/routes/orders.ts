import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  getCheckoutSetting,
  updateCheckoutSetting,
} from '../../core/orders/checkout-setting.service.ts';
import {
  CheckoutSettingBody,
  CheckoutSettingResponse,
  CommitBody,
  ImportOrderBody,
  OrderResponse,
  OrdersQuery,
  QuoteBody,
  QuoteResponse,
  RefundBody,
  RefundResponse,
} from '../../core/orders/order.schema.ts';
import { commitLocks, commitOrder, getOrder } from '../../core/orders/order-commit.service.ts';
import { findImported, importOnlineOrder } from '../../core/orders/order-import.service.ts';
import { quoteOrder } from '../../core/orders/order-pricing.service.ts';
import { listOrders } from '../../core/orders/order-query.service.ts';
import { refundOrder } from '../../core/orders/order-refund.service.ts';
import {
  authMethodOf,
  authorizeWalletPayment,
} from '../../core/wallet/payment-password.service.ts';
import { isUniqueViolation } from '../../db/pg-errors.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { findReplay, idempotent, inTransaction } from '../transaction.ts';

const tags = ['orders'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
type Order = Awaited<ReturnType<typeof getOrder>>;

export const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/checkout/quote',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Price an order without writing anything: amounts, lines, the decision trace, problems',
        description:
          'Tier discount → coupons (stacking rule) → points → stored value → tenders, then points and growth earned. Each problem carries the code the commit would refuse with.',
        body: QuoteBody,
        response: { 200: QuoteResponse, ...errors },
      },
    },
    (request) => quoteOrder(app.db, request.ctx, request.body),
  );

  app.post(
    '/orders',
    {
      config: { permission: 'wallet.pay' },
      schema: {
        tags,
        summary: 'Commit a sale at the till in one transaction; needs Idempotency-Key',
        description:
          'Prices the order as the quote does under the member lock and refuses with the first problem; otherwise redeems the coupons, spends the points, pays stored value, charges the tenders, records the order with every derived amount, and awards points and growth.',
        body: CommitBody,
        response: { 201: OrderResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { payment_password, member_code, ...sale } = request.body;
      // the stored request hash must not hold the password (see the wallet payment route)
      request.body = {
        ...sale,
        auth: authMethodOf({ payment_password, member_code }),
      } as typeof request.body;
      // a credential is checked (and a wrong one counted) before the transaction, so a retry
      // reads its stored answer first; without one the claim in `idempotent` replays alike
      const credential = payment_password !== undefined || member_code !== undefined;
      const replay = credential ? await findReplay<Order>(app.db, request, reply) : undefined;
      if (replay) return replay.response;
      const auth =
        credential && sale.member_id && (sale.stored_value_fen ?? 0) > 0
          ? await authorizeWalletPayment(
              app.db,
              request.ctx,
              sale.member_id,
              { payment_password, member_code },
              app.config.secret,
            )
          : { method: 'none' as const };
      return idempotent(
        app.db,
        request,
        reply,
        201,
        (trx, claim) => commitOrder(trx, request.ctx, sale, auth, claim),
        sale.member_id ? commitLocks(request.ctx, sale) : undefined,
      );
    },
  );

  app.get(
    '/orders',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Orders, newest first, of a member or a store',
        querystring: OrdersQuery,
        response: {
          200: Page(Type.Omit(OrderResponse, ['lines', 'tenders', 'trace'])),
          400: ErrorResponse,
        },
      },
    },
    (request) => listOrders(app.db, request.ctx, request.query),
  );

  app.get(
    '/orders/:id',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'One order with its lines, tenders and decision trace',
        params: IdParams,
        response: { 200: OrderResponse, 404: ErrorResponse },
      },
    },
    (request) => getOrder(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/orders/:id/refunds',
    {
      config: { permission: 'wallet.refund' },
      schema: {
        tags,
        summary: 'Refund an order, whole or by line and quantity; needs Idempotency-Key',
        description:
          'Never more than was paid. Points spent come back, points earned are clawed back, stored value returns to principal and bonus as taken, tenders are refunded; coupons come back only on a full refund.',
        params: IdParams,
        body: RefundBody,
        response: { 201: RefundResponse, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        refundOrder(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.post(
    '/orders/import',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Import an online order (shop, mini-program) by channel and external id; a replay returns the same order',
        body: ImportOrderBody,
        response: { 200: OrderResponse, ...errors },
      },
    },
    async (request) => {
      const { channel, external_id } = request.body;
      try {
        return await inTransaction(app.db, (trx) =>
          importOnlineOrder(trx, request.ctx, request.body),
        );
      } catch (e) {
        // the same order imported at the same moment: the other import's order is the answer
        if (!isUniqueViolation(e, 'sale_order_merchant_id_channel_external_id_key')) throw e;
        return (await findImported(app.db, request.ctx, channel, external_id))!;
      }
    },
  );

  app.get(
    '/checkout/settings',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Points as payment, claw-back policy, what earns',
        response: { 200: CheckoutSettingResponse },
      },
    },
    (request) => getCheckoutSetting(app.db, request.ctx),
  );

  app.patch(
    '/checkout/settings',
    {
      config: { permission: 'merchant.admin' },
      schema: {
        tags,
        summary: 'Change the checkout settings',
        body: CheckoutSettingBody,
        response: { 200: CheckoutSettingResponse, 400: ErrorResponse },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => updateCheckoutSetting(trx, request.ctx, request.body)),
  );
};
