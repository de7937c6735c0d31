import type { Ctx } from '../src/core/context.ts';
import { rebuildMerchantFacts } from '../src/core/facts/member-fact.service.ts';
import { createStore } from '../src/core/tenancy/store.service.ts';
import type { Db } from '../src/db/database.ts';
import { newId } from '../src/lib/ids.ts';

export interface FixtureOrder {
  memberId: string;
  paidAt: Date;
  dueFen: number;
  status?: 'paid' | 'partially_refunded' | 'refunded';
  /** money refunded on it (an order_refund row) */
  refundedFen?: number;
  /** one line of this category carrying the whole due amount */
  category?: string;
}

const ZERO = [
  'amount_fen',
  'tier_discount_fen',
  'coupon_discount_fen',
  'points_used',
  'points_deduction_fen',
  'principal_fen',
  'bonus_fen',
  'tender_fen',
  'points_earned',
  'growth',
] as const;

let numberSeq = 0;

/**
 * Bare paid orders (no tenders, no ledgers) written straight into sale_order, with their
 * refunds and one line each, then the merchant's member facts rebuilt: order history for tests
 * of what reads orders (RFM, rule tags), not of the checkout.
 */
export async function insertOrders(db: Db, ctx: Ctx, orders: readonly FixtureOrder[]) {
  const store = await db
    .transaction()
    .execute((trx) => createStore(trx, ctx, { code: `F${newId().slice(-6)}`, name: '测试店' }));
  for (const o of orders) {
    const id = newId();
    numberSeq += 1;
    await db
      .insertInto('sale_order')
      .values({
        merchant_id: ctx.merchantId,
        id,
        number: numberSeq,
        channel: 'history',
        external_id: id,
        member_id: o.memberId,
        store_id: store.id,
        staff_id: null,
        status: o.status ?? 'paid',
        ...Object.fromEntries(ZERO.map((k) => [k, 0])),
        amount_fen: o.dueFen,
        due_fen: o.dueFen,
        applied_coupon_ids: [],
        trace: '[]',
        points_debit_id: null,
        points_credit_id: null,
        wallet_payment_id: null,
        paid_at: o.paidAt,
        created_at: o.paidAt,
      } as never)
      .execute();
    if (o.category)
      await db
        .insertInto('sale_order_line')
        .values({
          merchant_id: ctx.merchantId,
          order_id: id,
          line_id: '1',
          sku_id: null,
          name: o.category,
          category: o.category,
          quantity: 1,
          unit_price_fen: o.dueFen,
          amount_fen: o.dueFen,
          tier_discount_fen: 0,
          coupon_discount_fen: 0,
          coupons: '[]',
          points_used: 0,
          points_deduction_fen: 0,
          due_fen: o.dueFen,
          principal_fen: 0,
          bonus_fen: 0,
          tender_fen: 0,
          earn_base_fen: 0,
          points_earned: 0,
          growth: 0,
          refunded_quantity: o.status === 'refunded' ? 1 : 0,
        } as never)
        .execute();
    if (o.refundedFen)
      await db
        .insertInto('order_refund')
        .values({
          merchant_id: ctx.merchantId,
          id: newId(),
          order_id: id,
          reason: null,
          staff_id: null,
          complete: o.status === 'refunded',
          amounts: '{}',
          lines: '[]',
          money_fen: o.refundedFen,
          refund_reduction_fen: 0,
          created_at: o.paidAt,
        } as never)
        .execute();
  }
  await rebuildMerchantFacts(db, ctx);
}

export const daysBefore = (now: Date, days: number, hours = 0) =>
  new Date(now.getTime() - days * 86_400_000 - hours * 3_600_000);
