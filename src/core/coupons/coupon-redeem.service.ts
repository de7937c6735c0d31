import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Trx } from '../../db/database.ts';
import { cte, executeWrites, queries, rowsOf, type WriteSet } from '../../db/write-set.ts';
import { DomainError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import type { CouponRow, CouponStatus } from './coupon.table.ts';

/** Why a coupon that the conditional redemption did not match cannot be used now. */
export function refusalOf(
  coupon: CouponRow | undefined,
  now: Date,
  memberId?: string,
  field = 'code',
): DomainError {
  if (!coupon) return new DomainError('coupon.not_found', { field });
  if (memberId !== undefined && coupon.member_id !== memberId)
    return new DomainError('coupon.wrong_member', { field });
  if (coupon.status === 'redeemed') return new DomainError('coupon.already_redeemed', { field });
  if (coupon.status === 'void') return new DomainError('coupon.void', { field });
  if (now < coupon.valid_from)
    return new DomainError('coupon.not_yet_valid', {
      field,
      params: { valid_from: coupon.valid_from.toISOString() },
    });
  return new DomainError('coupon.expired', {
    field,
    params: { valid_until: coupon.valid_until.toISOString() },
  });
}

type Which = (
  eb: ExpressionBuilder<Database, 'coupon'>,
) => ReturnType<ExpressionBuilder<Database, 'coupon'>['and']>;

/**
 * Takes one use off each usable coupon that `which` picks, and records it, as a part of a
 * `WriteSet`: a conditional update (issued, uses left, inside its window) and a coupon_use row
 * per coupon it matched; the result `${name}_used` lists the coupons taken. Concurrent uses of
 * a coupon queue on its row; once it is redeemed the later ones match nothing. With its last
 * use a coupon turns redeemed and keeps when, where and by whom.
 */
export function couponUseWrites(
  ctx: Ctx,
  name: string,
  which: Which,
  use: { order_id: string | null; store_id: string | null },
): WriteSet {
  const last = <T>(value: T, type: string) =>
    sql<T>`case when uses_left = 1 then ${value}::${sql.raw(type)} end`;
  const staffId = ctx.actor.kind === 'staff' ? ctx.actor.id : null;
  const used = `${name}_used`;
  return {
    ctes: [
      cte(
        used,
        queries
          .updateTable('coupon')
          .set({
            uses_left: sql`uses_left - 1`,
            status: sql<CouponStatus>`case when uses_left = 1 then 'redeemed' else 'issued' end`,
            redeemed_at: last(ctx.now, 'timestamptz'),
            redeemed_store_id: last(use.store_id, 'uuid'),
            redeemed_by: last(ctx.actor.id, 'uuid'),
          })
          .where('merchant_id', '=', ctx.merchantId)
          .where(which)
          .where('status', '=', 'issued')
          .where('uses_left', '>', 0)
          .where('valid_from', '<=', ctx.now)
          .where('valid_until', '>', ctx.now)
          .returningAll(),
      ),
      cte(
        `${name}_recorded`,
        sql`insert into coupon_use (merchant_id, id, coupon_id, order_id, store_id, staff_id, used_at)
        select u.merchant_id, ${sqlUuidV7}, u.id, ${use.order_id}::uuid, ${use.store_id}::uuid,
          ${staffId}::uuid, ${ctx.now}::timestamptz
        from ${sql.id(used)} u`,
      ),
    ],
    results: [rowsOf(used)],
  };
}

/** The coupons `couponUseWrites` took, as rows. */
export const couponsTakenOf = (result: Record<string, unknown>, name: string): CouponRow[] =>
  (result[`${name}_used`] as CouponRow[]).map((c) => ({
    ...c,
    valid_from: new Date(c.valid_from),
    valid_until: new Date(c.valid_until),
    redeemed_at: c.redeemed_at === null ? null : new Date(c.redeemed_at),
    created_at: new Date(c.created_at),
  }));

async function takeUses(
  trx: Trx,
  ctx: Ctx,
  which: Which,
  use: { order_id: string | null; store_id: string | null },
): Promise<CouponRow[]> {
  const result = await executeWrites(trx, couponUseWrites(ctx, 'take', which, use));
  return couponsTakenOf(result, 'take');
}

export interface CheckoutCoupons {
  coupon_ids: readonly string[];
  member_id: string;
  store_id: string;
  order_id: string;
}

/** One use of each coupon of a checkout, exactly once, as a part of a `WriteSet`. */
export const checkoutCouponWrites = (ctx: Ctx, name: string, input: CheckoutCoupons): WriteSet =>
  couponUseWrites(
    ctx,
    name,
    (eb) =>
      eb.and([
        eb('id', 'in', [...new Set(input.coupon_ids)]),
        eb('member_id', '=', input.member_id),
      ]),
    { order_id: input.order_id, store_id: input.store_id },
  );

/**
 * A coupon of the checkout that did not match gets its specific reason:
 * `coupon.already_redeemed` for the losers of a race. Eligibility (scope, threshold, stacking)
 * is the pricing's job.
 */
export async function checkCheckoutCoupons(
  trx: Trx,
  ctx: Ctx,
  input: CheckoutCoupons,
  used: readonly CouponRow[],
): Promise<void> {
  const ids = [...new Set(input.coupon_ids)];
  if (used.length === ids.length) return;
  const matched = new Set(used.map((c) => c.id));
  const missed = ids.find((id) => !matched.has(id)) as string;
  const coupon = await trx
    .selectFrom('coupon')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', missed)
    .executeTakeFirst();
  throw refusalOf(coupon, ctx.now, input.member_id, 'coupon_ids');
}

/** One use of each coupon of a checkout, exactly once (one round trip when all are usable). */
export async function redeemCouponsInCheckout(
  trx: Trx,
  ctx: Ctx,
  input: CheckoutCoupons,
): Promise<CouponRow[]> {
  if (input.coupon_ids.length === 0) return [];
  const result = await executeWrites(trx, checkoutCouponWrites(ctx, 'checkout', input));
  const used = couponsTakenOf(result, 'checkout');
  await checkCheckoutCoupons(trx, ctx, input, used);
  return used;
}

/**
 * 核销 by code at the till, exactly once; a count card gives one use per redemption. Codes
 * are matched case-insensitively.
 */
export async function redeemCouponByCode(trx: Trx, ctx: Ctx, code: string): Promise<CouponRow> {
  const normalized = code.trim().toUpperCase();
  const [redeemed] = await takeUses(trx, ctx, (eb) => eb.and([eb('code', '=', normalized)]), {
    order_id: null,
    store_id: ctx.storeId ?? null,
  });
  if (!redeemed) {
    const coupon = await trx
      .selectFrom('coupon')
      .selectAll()
      .where('merchant_id', '=', ctx.merchantId)
      .where('code', '=', normalized)
      .executeTakeFirst();
    throw refusalOf(coupon, ctx.now);
  }
  await emitEvent(trx, ctx, 'coupon.redeemed', {
    coupon_id: redeemed.id,
    template_id: redeemed.template_id,
    member_id: redeemed.member_id,
    order_id: null,
    store_id: ctx.storeId ?? null,
    uses_left: redeemed.uses_left,
  });
  await recordAudit(trx, ctx, {
    action: 'coupon.redeem',
    entityType: 'coupon',
    entityId: redeemed.id,
    after: { uses_left: redeemed.uses_left, store_id: ctx.storeId ?? null },
  });
  return redeemed;
}

/**
 * Gives back the uses an order took (a full refund): each coupon_use of the order is restored
 * once (a conditional update on restored_at) and its coupon gets the use back, issued again
 * (expired if its window has passed meanwhile; a voided card stays void). A second call
 * restores nothing. Returns the coupons given back.
 */
export function restoreCouponsForRefund(trx: Trx, ctx: Ctx, orderId: string): Promise<CouponRow[]> {
  return trx
    .with('restored', (db) =>
      db
        .updateTable('coupon_use')
        .set({ restored_at: ctx.now })
        .where('merchant_id', '=', ctx.merchantId)
        .where('order_id', '=', orderId)
        .where('restored_at', 'is', null)
        .returning(['coupon_id']),
    )
    .updateTable('coupon')
    .from('restored')
    .set({
      uses_left: sql`coupon.uses_left + 1`,
      status: sql<CouponStatus>`case when coupon.status = 'void' then 'void'
        when coupon.valid_until <= ${ctx.now}::timestamptz then 'expired' else 'issued' end`,
      redeemed_at: null,
      redeemed_store_id: null,
      redeemed_by: null,
    })
    .where('coupon.merchant_id', '=', ctx.merchantId)
    .whereRef('coupon.id', '=', 'restored.coupon_id')
    .returningAll('coupon')
    .execute();
}
