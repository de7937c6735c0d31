import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { PricedLine } from '../checkout/pricing.rules.ts';
import {
  type RefundResult,
  refundLines,
  refundsThroughTenders,
  remainingUnits,
  settleClawback,
} from '../checkout/refund.rules.ts';
import type { Ctx } from '../context.ts';
import { restoreCouponsForRefund } from '../coupons/coupon-redeem.service.ts';
import { refreshMemberFacts } from '../facts/member-fact.service.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import type { LedgerEntryRow } from '../ledger/ledger.table.ts';
import { lockActiveMember } from '../members/member.service.ts';
import { presentTender, refundTenders } from '../payments/tender.service.ts';
import {
  creditPoints,
  debitPoints,
  pointsBalance,
  reverseDebit,
} from '../points/points-lot.service.ts';
import { reverseCommissionForRefund } from '../referral/referral-order.service.ts';
import { lockOwnRow } from '../tenant-row.ts';
import { awardGrowth, downgradeForRefund } from '../tiers/growth.service.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import { getCheckoutSetting, pointsDeduction } from './checkout-setting.service.ts';
import type { RefundBody } from './order.schema.ts';
import type { OrderRefundRow, SaleOrderLineRow, SaleOrderRow } from './order.table.ts';
import { listLines } from './order-commit.service.ts';

const recorded = (lines: readonly SaleOrderLineRow[]): PricedLine[] =>
  lines.map((l) => ({ ...l, coupons: l.coupons }));

/**
 * A full or partial refund, one transaction under the order's lock: the rules say what each
 * line gives back (cumulative shares, so partial refunds end exactly where a full one does);
 * points spent come back, points earned are clawed back (per the merchant's policy), stored
 * value returns to principal and bonus as taken, tenders are refunded through their
 * providers (an online order's money through its channel: `money_fen`, no tenders), growth is reversed (and a tier the refunded order reached with it, see `downgradeForRefund`), coupons come back on a full refund, referral commission is
 * reversed pro rata.
 */
export async function refundOrder(trx: Trx, ctx: Ctx, orderId: string, body: RefundBody) {
  const order = await lockOwnRow(trx, ctx, 'sale_order', orderId, 'order.not_found');
  const lines = await listLines(trx, ctx, orderId);
  const done = Object.fromEntries(lines.map((l) => [l.line_id, l.refunded_quantity]));
  const rec = { lines: recorded(lines), applied_coupon_ids: order.applied_coupon_ids };
  const request = body.lines ?? remainingUnits(rec, done);
  if (request.length === 0) throw new DomainError('order.nothing_to_refund', { field: 'lines' });
  const r = refundLines(rec, done, request);
  if (!r.ok) throw new DomainError(r.code, { field: r.field, params: r.params });
  const refundId = newId();
  const reduction = order.member_id ? await reverseValue(trx, ctx, order, r, refundId) : 0;
  const tenders = refundsThroughTenders(order.channel)
    ? await refundTenders(trx, ctx, { type: 'order', id: orderId }, r.tender_fen - reduction)
    : [];
  if (r.complete && order.member_id) await restoreCouponsForRefund(trx, ctx, orderId);
  if (order.member_id && order.due_fen > 0)
    await reverseCommissionForRefund(trx, ctx, {
      order_id: orderId,
      refund_id: refundId,
      ratio_num: r.money_fen,
      ratio_den: order.due_fen,
    });
  await markRefunded(trx, ctx, order, r);
  const row = await trx
    .insertInto('order_refund')
    .values({
      merchant_id: ctx.merchantId,
      id: refundId,
      order_id: orderId,
      reason: body.reason,
      staff_id: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
      complete: r.complete,
      amounts: JSON.stringify(amountsOf(r)),
      lines: JSON.stringify(r.lines),
      money_fen: r.money_fen - reduction,
      refund_reduction_fen: reduction,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (order.member_id) await refreshMemberFacts(trx, ctx, [order.member_id]);
  await emitEvent(trx, ctx, 'order.refunded', {
    order_id: orderId,
    refund_id: refundId,
    member_id: order.member_id,
    store_id: order.store_id,
    complete: r.complete,
    money_fen: row.money_fen,
    refund_reduction_fen: reduction,
    lines: r.lines,
  });
  await recordAudit(trx, ctx, {
    action: 'order.refund',
    entityType: 'order',
    entityId: orderId,
    after: { refund_id: refundId, money_fen: row.money_fen, complete: r.complete },
  });
  return presentRefund(row, tenders);
}

const amountsOf = (r: RefundResult) => {
  const { ok: _o, lines: _l, restore_coupon_ids: _c, complete: _x, ...amounts } = r;
  return amounts;
};

async function markRefunded(trx: Trx, ctx: Ctx, order: SaleOrderRow, r: RefundResult) {
  for (const l of r.lines)
    await trx
      .updateTable('sale_order_line')
      .set((eb) => ({ refunded_quantity: eb('refunded_quantity', '+', l.quantity) }))
      .where('merchant_id', '=', ctx.merchantId)
      .where('order_id', '=', order.id)
      .where('line_id', '=', l.line_id)
      .execute();
  await trx
    .updateTable('sale_order')
    .set({ status: r.complete ? 'refunded' : 'partially_refunded' })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', order.id)
    .execute();
}

const entryById = (trx: Trx, ctx: Ctx, id: string): Promise<LedgerEntryRow> =>
  trx
    .selectFrom('ledger_entry')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

/**
 * The member's side: points spent back (the whole debit reversed by one entry pointing at it
 * when the order's points all come back at once; otherwise a credit referring to the debit),
 * points earned clawed back, stored value back, growth reversed. Returns how much of the
 * tender refund pays for earned points the member already spent (policy `reduce_refund`).
 */
async function reverseValue(
  trx: Trx,
  ctx: Ctx,
  order: SaleOrderRow,
  r: RefundResult,
  refundId: string,
): Promise<number> {
  const memberId = order.member_id!;
  await lockActiveMember(trx, ctx, memberId);
  const ref = { refType: 'order_refund', refId: refundId };
  if (r.points_used > 0 && order.points_debit_id) {
    const debit = await entryById(trx, ctx, order.points_debit_id);
    if (r.points_used === order.points_used)
      await reverseDebit(trx, ctx, debit, { kind: 'order_refund', ...ref });
    else
      await creditPoints(trx, ctx, {
        memberId,
        amount: r.points_used,
        kind: 'order_refund',
        ...ref,
        memo: `returns part of ${debit.id}`,
      });
  }
  const setting = await getCheckoutSetting(trx, ctx);
  const balance = await pointsBalance(trx, ctx, memberId);
  const settled = settleClawback({
    points_clawed: r.points_earned,
    points_returned: 0,
    points_balance: balance,
    tender_refund_fen: r.tender_fen,
    policy: setting.clawback_policy,
    rate: pointsDeduction(setting),
  });
  await clawBack(trx, ctx, memberId, settled.points_clawed, balance, refundId);
  if (r.principal_fen > 0)
    await postEntry(trx, ctx, {
      ledger: 'principal',
      memberId,
      amount: r.principal_fen,
      kind: 'order_refund',
      ...ref,
    });
  if (r.bonus_fen > 0) {
    await refillBonusParts(trx, ctx, order, r.bonus_fen);
    await postEntry(trx, ctx, {
      ledger: 'bonus',
      memberId,
      amount: r.bonus_fen,
      kind: 'order_refund',
      ...ref,
    });
  }
  if (r.growth > 0 || r.earn_base_fen > 0) {
    await awardGrowth(trx, ctx, {
      memberId,
      growth: -r.growth,
      spendFen: -r.earn_base_fen,
      kind: 'refund',
      refType: 'order_refund',
      refId: refundId,
    });
    await downgradeForRefund(trx, ctx, memberId, { orderId: order.id, refundId });
  }
  return settled.refund_reduction_fen;
}

/**
 * Bonus comes back to the parts it was taken from. The payment's part uses are laid end to end
 * and each refund takes the next stretch of them (after what earlier refunds of the order took
 * back), so partial refunds refill exactly what a full one would.
 */
async function refillBonusParts(trx: Trx, ctx: Ctx, order: SaleOrderRow, amount: number) {
  if (!order.wallet_payment_id) return;
  const payment = await trx
    .selectFrom('wallet_payment')
    .select('bonus_parts')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', order.wallet_payment_id)
    .executeTakeFirstOrThrow();
  const before = await trx
    .selectFrom('order_refund')
    .select(sql<number>`coalesce(sum((amounts->>'bonus_fen')::bigint), 0)::bigint`.as('fen'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('order_id', '=', order.id)
    .executeTakeFirstOrThrow();
  const from = Number(before.fen);
  let at = 0;
  for (const use of payment.bonus_parts) {
    const take = Math.min(at + use.amount_fen, from + amount) - Math.max(at, from);
    at += use.amount_fen;
    if (take <= 0) continue;
    await trx
      .updateTable('bonus_part')
      .set((eb) => ({ remaining_fen: eb('remaining_fen', '+', take) }))
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', use.part_id)
      .execute();
  }
}

/** Taken from the lots as far as the balance goes; the rest is a points debt (a negative balance). */
async function clawBack(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  points: number,
  balance: number,
  refundId: string,
) {
  if (points <= 0) return;
  const fromLots = Math.min(points, Math.max(0, balance));
  const ref = { kind: 'order_clawback', refType: 'order_refund', refId: refundId };
  if (fromLots > 0) await debitPoints(trx, ctx, { memberId, amount: fromLots, ...ref });
  if (points > fromLots)
    await postEntry(trx, ctx, { ledger: 'points', memberId, amount: -(points - fromLots), ...ref });
}

export function presentRefund(
  row: OrderRefundRow,
  tenders: Awaited<ReturnType<typeof refundTenders>>,
) {
  const { merchant_id: _m, staff_id: _s, ...rest } = row;
  return {
    ...rest,
    tenders: tenders.map(presentTender),
  };
}
