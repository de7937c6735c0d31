import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { expireCoupons } from '../core/coupons/coupon-expiry.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'coupon.expiry';

/** Marks coupons past their window every 15 minutes, like the points expiry (see there). */
export async function registerCouponExpiry(boss: PgBoss, db: Db, log: Logger): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/15 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const expired = await expireCoupons(db, new Date());
    if (expired > 0) log.info({ expired }, 'coupons expired');
  });
}
