import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { addLocalMonths } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { issuePack, packItems } from '../coupons/coupon-pack.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import type { PaidMembershipRow } from './membership.table.ts';

/**
 * The month of a paid period that `now` falls in: month k starts k local months after the
 * period's start (Jan 31 + 1 month = Feb 28/29).
 */
export function monthOfPeriod(startsAt: Date, now: Date, zone: string): number {
  let k = 0;
  while (addLocalMonths(startsAt, k + 1, zone) <= now) k += 1;
  return k;
}

/**
 * 付费会员 monthly coupons: every paid period running now gives its current month's
 * `monthly_coupons` once. The allowance row is written first (on conflict nothing), in the
 * transaction that issues the coupons, so a second sweep, a second app instance or a retried
 * job gives nothing twice. A month missed while nothing ran is given when the sweep next runs
 * within it; a month that has passed is not made up. A coupon the template cannot give now
 * (out of stock, the member at its limit) is skipped, as for every pack.
 */
export async function grantMonthlyCoupons(db: Db, now: Date): Promise<number> {
  const due = await db
    .selectFrom('paid_membership as p')
    .innerJoin('merchant as m', 'm.id', 'p.merchant_id')
    .selectAll('p')
    .select('m.time_zone')
    .where('p.status', '=', 'paid')
    .where('p.expires_at', '>', now)
    .where('p.starts_at', '<=', now)
    .where(sql<boolean>`jsonb_array_length(p.benefits -> 'monthly_coupons') > 0`)
    .execute();
  let coupons = 0;
  for (const period of due) {
    const ctx = systemCtx(period.merchant_id, now);
    const month = monthOfPeriod(period.starts_at, now, period.time_zone);
    coupons += await db.transaction().execute((trx) => grantMonth(trx, ctx, period, month));
  }
  return coupons;
}

async function grantMonth(trx: Trx, ctx: Ctx, period: PaidMembershipRow, month: number) {
  const claimed = await trx
    .insertInto('paid_membership_allowance')
    .values({
      merchant_id: ctx.merchantId,
      paid_membership_id: period.id,
      month_index: month,
      coupons: 0,
      granted_at: ctx.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('month_index')
    .executeTakeFirst();
  if (!claimed) return 0;
  const issued = await issuePack(trx, ctx, packItems(period.benefits.monthly_coupons), {
    member_id: period.member_id,
    via: 'paid_membership',
    ref: { type: 'paid_membership', id: period.id },
  });
  await trx
    .updateTable('paid_membership_allowance')
    .set({ coupons: issued.length })
    .where('merchant_id', '=', ctx.merchantId)
    .where('paid_membership_id', '=', period.id)
    .where('month_index', '=', month)
    .execute();
  return issued.length;
}
