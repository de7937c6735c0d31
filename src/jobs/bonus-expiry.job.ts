import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { settleDueBonus } from '../core/wallet/bonus-part.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'wallet.bonus-expiry';

/**
 * A monthly bonus part closes at 00:00 on the 1st of the next month in the merchant's zone;
 * this sweep posts the `bonus_expire` entry for what is left of it. Spending stops at the
 * instant itself, not when this runs (see `partWindow`). Idempotent: each part records its
 * closing entry, so a second run finds nothing.
 */
export async function registerBonusExpiry(boss: PgBoss, db: Db, log: Logger): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/5 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const outcome = await settleDueBonus(db, new Date(), 'expiry');
    if (outcome.entries > 0) log.info(outcome, 'monthly bonus expired');
  });
}
