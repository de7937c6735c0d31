import type PgBoss from 'pg-boss';
import type { Db } from '../db/database.ts';

const QUEUE = 'maintenance.daily';
/** Long enough for any client to retry; the key's operation itself stays in its own tables. */
const IDEMPOTENCY_KEY_DAYS = 7;

/** Deletes expired staff sessions and old idempotency keys, once a day at 04:00 UTC. */
export async function registerMaintenance(boss: PgBoss, db: Db): Promise<void> {
  await boss.createQueue(QUEUE);
  await boss.schedule(QUEUE, '0 4 * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    await runMaintenance(db, new Date());
  });
}

export async function runMaintenance(
  db: Db,
  now: Date,
): Promise<{ sessions: number; keys: number }> {
  const sessions = await db
    .deleteFrom('staff_session')
    .where('expires_at', '<', now)
    .executeTakeFirst();
  const keys = await db
    .deleteFrom('idempotency_key')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_KEY_DAYS * 86_400_000))
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), keys: Number(keys.numDeletedRows) };
}
