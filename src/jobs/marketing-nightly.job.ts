import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { runNightlyMarketing } from '../core/rfm/rfm-schedule.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'marketing.nightly';

/**
 * RFM, lifecycle and rule tags at each merchant's own recompute time, like the points expiry
 * (see there): one sweep every 15 minutes finds the merchants whose local time has passed
 * today's rfm_setting.recompute_at since their last run, instead of one cron per zone that
 * would have to follow every change of a merchant's zone or time. The singleton queue keeps two
 * sweeps from overlapping; a run records its start, so a second sweep finds nothing due.
 */
export async function registerMarketingNightly(boss: PgBoss, db: Db, log: Logger): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/15 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const outcome = await runNightlyMarketing(db, new Date(), (merchantId, error) =>
      log.error({ err: error, merchantId }, 'nightly marketing run failed'),
    );
    if (outcome.merchants > 0) log.info(outcome, 'RFM and rule tags recomputed');
  });
}
