import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
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
 * Takes one use off each usable coupon that `which` picks, and records it, in one statement:
 * a conditional update (issued, uses left, inside its window) and a coupon_use row per coupon
 * it matched. Concurrent uses of a coupon queue on its row; once it is redeemed the later ones
 * match nothing. With its last use a coupon turns redeemed and keeps when, where and by whom.
 */
function takeUses(
  trx: Trx,
  ctx: Ctx,
  which: Which,
  use: { order_id: string | null; store_id: string | null },
): Promise<CouponRow[]> {
  const last = <T>(value: T, type: string) =>
    sql<T>`case when uses_left = 1 then ${value}::${sql.raw(type)} end`;
  const staffId = ctx.actor.kind === 'staff' ? ctx.actor.id : null;
  return trx
    .with('used', (db) =>
      db
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
    )
    .with('recorded', (db) =>
      db
        .insertInto('coupon_use')
        .columns(['merchant_id', 'id', 'coupon_id', 'order_id', 'store_id', 'staff_id', 'used_at'])
        .expression(
          db
            .selectFrom('used')
            .select([
              'used.merchant_id',
              sqlUuidV7.as('id'),
              'used.id',
              sql<string | null>`${use.order_id}::uuid`.as('order_id'),
              sql<string | null>`${use.store_id}::uuid`.as('store_id'),
              sql<string | null>`${staffId}::uuid`.as('staff_id'),
              sql<Date>`${ctx.now}::timestamptz`.as('used_at'),
            ]),
        )
        .returning('coupon_use.id'),
    )
    .selectFrom('used')
    .selectAll()
    .execute() as Promise<CouponRow[]>;
}

export interface CheckoutCoupons {
  coupon_ids: readonly string[];
  member_id: string;
  store_id: string;
  order_id: string;
}

/**
 * One use of each coupon of a checkout, exactly once (one round trip when all are usable).
 * A coupon that did not match gets its specific reason: `coupon.already_redeemed` for the
 * losers of a race. Eligibility (scope, threshold, stacking) is the pricing's job.
 */
export async function redeemCouponsInCheckout(
  trx: Trx,
  ctx: Ctx,
  input: CheckoutCoupons,
): Promise<CouponRow[]> {
  const ids = [...new Set(input.coupon_ids)];
  if (ids.length === 0) return [];
  const used = await takeUses(
    trx,
    ctx,
    (eb) => eb.and([eb('id', 'in', ids), eb('member_id', '=', input.member_id)]),
    { order_id: input.order_id, store_id: input.store_id },
  );
  if (used.length === ids.length) return used;
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
