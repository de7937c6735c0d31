import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { settleDueBonus } from '../core/wallet/bonus-part.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'wallet.bonus-release';

/**
 * Monthly bonus (S9) is released at 00:00 on the 1st in each merchant's zone. The instant was
 * computed in that zone when the recharge was made and stored on the part, so a sweep every
 * 5 minutes over `available_from <= now` serves every zone without a schedule per merchant.
 * The sweep only brings the ledger in line: a part is spendable from its instant whether or
 * not this has run (a payment releases it itself). A second run posts nothing; the singleton
 * queue keeps two runs from overlapping.
 */
export async function registerBonusRelease(boss: PgBoss, db: Db, log: Logger): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/5 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const outcome = await settleDueBonus(db, new Date(), 'release');
    if (outcome.entries > 0) log.info(outcome, 'monthly bonus released');
  });
}
