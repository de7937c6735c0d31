import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type PricedOrder, priceOrder } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import { redeemCouponsInCheckout } from '../coupons/coupon-redeem.service.ts';
import { recordOrderFact } from '../facts/member-fact.service.ts';
import { inviteAfterPayment } from '../membership/invitation.service.ts';
import { chargeTenders, listTenders, presentTender } from '../payments/tender.service.ts';
import { earnForOrder } from '../points/points.service.ts';
import { debitPoints } from '../points/points-lot.service.ts';
import { commissionForOrder } from '../referral/referral-order.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { WalletAuth } from '../wallet/payment-password.service.ts';
import { payFromWallet } from '../wallet/wallet.service.ts';
import { checkoutLocks } from './checkout-read.service.ts';
import type { CommitBody } from './order.schema.ts';
import type { SaleOrderLineRow, SaleOrderRow } from './order.table.ts';
import { loadPricing, type NamedLine } from './order-pricing.service.ts';

const staffOf = (ctx: Ctx) => (ctx.actor.kind === 'staff' ? ctx.actor.id : null);

/** The first problem of the priced order refuses the commit, with its code, field and params. */
function refuseProblems(priced: PricedOrder) {
  const first = priced.problems[0];
  if (first) throw new DomainError(first.code, { field: first.field, params: first.params });
}

/**
 * The checkout commit, one transaction: lock the member, price the order as the quote does,
 * then post what the pricing decided, in its order — coupons redeemed (exactly once), points
 * spent, stored value paid, tenders charged, the order and its lines recorded with every
 * amount, points and growth earned on what was paid, referral commission, and for a guest
 * the pay-to-become-member invitation (S7).
 */
export async function commitOrder(trx: Trx, ctx: Ctx, body: CommitBody, auth: WalletAuth) {
  if (body.member_id)
    await sql`select count(*) from (${checkoutLocks(ctx, body.member_id, (body.points_to_use ?? 0) > 0)}) x`.execute(
      trx,
    );
  const pricing = await loadPricing(trx, ctx, body, true);
  const priced = priceOrder(pricing.input, ctx.now);
  refuseProblems(priced);
  const memberId = body.member_id ?? null;
  const orderId = newId();
  if (memberId && priced.applied_coupon_ids.length)
    await redeemCouponsInCheckout(trx, ctx, {
      coupon_ids: priced.applied_coupon_ids,
      member_id: memberId,
      store_id: body.store_id,
      order_id: orderId,
    });
  const debit =
    memberId && priced.points_used > 0
      ? await debitPoints(trx, ctx, {
          memberId,
          amount: priced.points_used,
          kind: 'order_pay',
          refType: 'order',
          refId: orderId,
        })
      : null;
  const stored = priced.principal_fen + priced.bonus_fen;
  const payment =
    memberId && stored > 0
      ? await payFromWallet(
          trx,
          ctx,
          memberId,
          { amount_fen: stored, order_ref: `order:${orderId}`, store_id: body.store_id },
          auth,
        )
      : null;
  if (payment && payment.principal_fen !== priced.principal_fen)
    throw new Error('the wallet split differs from the priced one under the same lock');
  const tenders = await chargeTenders(trx, ctx, { type: 'order', id: orderId }, body.tenders ?? []);
  const order = await insertOrder(trx, ctx, {
    id: orderId,
    channel: 'till',
    external_id: null,
    member_id: memberId,
    store_id: body.store_id,
    priced,
    lines: pricing.lines,
    points_debit_id: debit?.entry.id ?? null,
    wallet_payment_id: payment?.id ?? null,
    paid_at: ctx.now,
  });
  await recordOrderFact(trx, ctx, orderId);
  const credited = memberId ? await earnOrder(trx, ctx, memberId, order, priced) : null;
  if (memberId)
    await commissionForOrder(trx, ctx, {
      id: orderId,
      member_id: memberId,
      store_id: body.store_id,
      paid_fen: priced.due_fen,
      created_at: ctx.now,
    });
  else if (body.guest_phone && priced.tender_fen > 0)
    await inviteAfterPayment(trx, ctx, {
      phone: body.guest_phone,
      paid_fen: priced.tender_fen,
      store_id: body.store_id,
    });
  await recordAudit(trx, ctx, {
    action: 'order.commit',
    entityType: 'order',
    entityId: orderId,
    after: { member_id: memberId, due_fen: priced.due_fen, points_credit_id: credited },
  });
  return presentOrder(
    { ...order, points_credit_id: credited },
    await listLines(trx, ctx, orderId),
    tenders,
  );
}

/** Points and growth by the points service, which must agree with the priced ones. */
async function earnOrder(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  order: SaleOrderRow,
  priced: PricedOrder,
): Promise<string | null> {
  if (priced.points_earned === 0 && priced.growth === 0) return null;
  const earned = await earnForOrder(trx, ctx, memberId, {
    order_ref: order.id,
    lines: priced.lines.map((l) => ({ category: l.category, amount_fen: l.earn_base_fen })),
    paid_at: order.paid_at,
  });
  if (earned.points !== priced.points_earned || earned.growth !== priced.growth)
    throw new Error('points or growth earned differ from the priced ones');
  if (earned.entry_id)
    await trx
      .updateTable('sale_order')
      .set({ points_credit_id: earned.entry_id })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', order.id)
      .execute();
  return earned.entry_id;
}

export interface NewOrder {
  id: string;
  channel: string;
  external_id: string | null;
  member_id: string | null;
  store_id: string;
  priced: PricedOrder;
  lines: readonly Pick<NamedLine, 'name'>[];
  points_debit_id: string | null;
  wallet_payment_id: string | null;
  paid_at: Date;
}

export async function insertOrder(trx: Trx, ctx: Ctx, o: NewOrder): Promise<SaleOrderRow> {
  const p = o.priced;
  const order = await trx
    .insertInto('sale_order')
    .values((eb) => ({
      merchant_id: ctx.merchantId,
      id: o.id,
      number: eb.fn<number>('nextval', [eb.val('sale_order_number')]),
      channel: o.channel,
      external_id: o.external_id,
      member_id: o.member_id,
      store_id: o.store_id,
      staff_id: staffOf(ctx),
      status: 'paid',
      amount_fen: p.amount_fen,
      tier_discount_fen: p.tier_discount_fen,
      coupon_discount_fen: p.coupon_discount_fen,
      points_used: p.points_used,
      points_deduction_fen: p.points_deduction_fen,
      due_fen: p.due_fen,
      principal_fen: p.principal_fen,
      bonus_fen: p.bonus_fen,
      tender_fen: p.tender_fen,
      points_earned: p.points_earned,
      growth: p.growth,
      applied_coupon_ids: p.applied_coupon_ids,
      trace: JSON.stringify(p.trace),
      points_debit_id: o.points_debit_id,
      points_credit_id: null,
      wallet_payment_id: o.wallet_payment_id,
      paid_at: o.paid_at,
      created_at: ctx.now,
    }))
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('sale_order_line')
    .values(
      p.lines.map((l, i) => ({
        merchant_id: ctx.merchantId,
        order_id: o.id,
        line_id: l.line_id,
        sku_id: l.sku_id,
        name: o.lines[i]!.name,
        category: l.category,
        quantity: l.quantity,
        unit_price_fen: l.unit_price_fen,
        amount_fen: l.amount_fen,
        tier_discount_fen: l.tier_discount_fen,
        coupon_discount_fen: l.coupon_discount_fen,
        coupons: JSON.stringify(l.coupons),
        points_used: l.points_used,
        points_deduction_fen: l.points_deduction_fen,
        due_fen: l.due_fen,
        principal_fen: l.principal_fen,
        bonus_fen: l.bonus_fen,
        tender_fen: l.tender_fen,
        earn_base_fen: l.earn_base_fen,
        points_earned: l.points_earned,
        growth: l.growth,
      })),
    )
    .execute();
  return order;
}

export const listLines = (db: Db | Trx, ctx: Ctx, orderId: string) =>
  db
    .selectFrom('sale_order_line')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('order_id', '=', orderId)
    .orderBy(({ fn, ref }) => fn('length', [ref('line_id')]))
    .orderBy('line_id')
    .execute();

export function presentOrder(
  order: SaleOrderRow,
  lines: readonly SaleOrderLineRow[],
  tenders: Awaited<ReturnType<typeof listTenders>>,
) {
  const {
    merchant_id: _m,
    points_debit_id: _d,
    points_credit_id: _c,
    wallet_payment_id: _w,
    ...rest
  } = order;
  return {
    ...rest,
    lines: lines.map(({ merchant_id: _lm, order_id: _o, ...l }) => l),
    tenders: tenders.map(presentTender),
  };
}

export async function getOrder(db: Db | Trx, ctx: Ctx, id: string) {
  const order = await getOwnRow(db, ctx, 'sale_order', id, 'order.not_found');
  return presentOrder(
    order,
    await listLines(db, ctx, id),
    await listTenders(db, ctx, { type: 'order', id }),
  );
}
