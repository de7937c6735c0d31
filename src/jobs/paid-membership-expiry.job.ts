import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { expirePaidMemberships } from '../core/membership/membership.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'membership.expiry';

/**
 * Marks paid membership periods whose end has passed. Whether a member is a paid member is
 * decided by time at every read, so the 15-minute lag only delays the mark and its audit row.
 */
export async function registerPaidMembershipExpiry(
  boss: PgBoss,
  db: Db,
  log: Logger,
): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/15 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const expired = await expirePaidMemberships(db, new Date());
    if (expired > 0) log.info({ expired }, 'paid memberships expired');
  });
}
