import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { grantMonthlyCoupons } from '../core/membership/membership-allowance.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'membership.allowance';

/** Gives paid members their monthly coupons: every 15 minutes, each month of a period once. */
export async function registerMembershipAllowance(
  boss: PgBoss,
  db: Db,
  log: Logger,
): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/15 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const coupons = await grantMonthlyCoupons(db, new Date());
    if (coupons > 0) log.info({ coupons }, 'paid members given their monthly coupons');
  });
}
