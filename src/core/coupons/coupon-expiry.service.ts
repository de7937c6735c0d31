import type { Db } from '../../db/database.ts';

/**
 * Every issued coupon past its window turns expired, in one set-based statement across
 * merchants (the window's end is an instant fixed at issue, a local midnight, so no zone is
 * needed here). Idempotent: a second run matches nothing. Redemption already refuses a coupon
 * from its valid_until on, so the sweep's lag never makes a dead coupon usable.
 */
export async function expireCoupons(db: Db, now: Date): Promise<number> {
  const expired = await db
    .updateTable('coupon')
    .set({ status: 'expired' })
    .where('status', '=', 'issued')
    .where('valid_until', '<=', now)
    .returning('id')
    .execute();
  return expired.length;
}
