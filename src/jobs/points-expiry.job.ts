import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { expireDuePoints } from '../core/points/points-expiry.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'points.expiry';

/**
 * Daily expiry at each merchant's midnight, run as one sweep every 15 minutes instead of one
 * cron per merchant zone. Why: a lot's expiry is stored as the instant of a local midnight
 * computed in the merchant's zone when it was earned, so "whose midnight has passed" is just
 * `expires_at <= now` — no per-merchant schedule to create, keep in step with zone changes or
 * remove, and zones with :30/:45 offsets are served within 15 minutes. Spending already treats
 * a lot as gone from its expiry instant, so the sweep's lag never makes dead points spendable.
 * The sweep is idempotent (a second run finds nothing due); the singleton queue keeps two runs
 * from overlapping.
 */
export async function registerPointsExpiry(boss: PgBoss, db: Db, log: Logger): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/15 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const outcome = await expireDuePoints(db, new Date());
    if (outcome.lots > 0) log.info(outcome, 'points expired');
  });
}
