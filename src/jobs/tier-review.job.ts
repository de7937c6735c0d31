import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { reviewDueTiers } from '../core/tiers/tier-review.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'tiers.review';

/**
 * Tier downgrade review at each merchant's midnight: like points expiry, one sweep every 15
 * minutes over members whose review date — the instant of a local midnight in the merchant's
 * zone, set when the tier was reached or last reviewed — has passed. A reviewed member's next
 * review moves a whole period on, so a second run changes nothing.
 */
export async function registerTierReview(boss: PgBoss, db: Db, log: Logger): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/15 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const outcome = await reviewDueTiers(db, new Date());
    if (outcome.reviewed > 0) log.info(outcome, 'tiers reviewed');
  });
}
