import type PgBoss from 'pg-boss';
import type { Db } from '../db/database.ts';

const QUEUE = 'maintenance.daily';
/** Long enough for any client to retry; the key's operation itself stays in its own tables. */
const IDEMPOTENCY_KEY_DAYS = 7;
/**
 * A used member code is refused by its own signed expiry once that has passed; its nonce row is
 * kept a day longer so that instances with skewed clocks still see it.
 */
const USED_CODE_GRACE_MS = 86_400_000;

/**
 * Deletes expired staff sessions, old idempotency keys and the nonces of member codes that
 * have expired, once a day at 04:00 UTC.
 */
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
): Promise<{ sessions: number; keys: number; codes: number }> {
  const sessions = await db
    .deleteFrom('staff_session')
    .where('expires_at', '<', now)
    .executeTakeFirst();
  const keys = await db
    .deleteFrom('idempotency_key')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_KEY_DAYS * 86_400_000))
    .executeTakeFirst();
  const codes = await db
    .deleteFrom('member_code_use')
    .where('expires_at', '<', new Date(now.getTime() - USED_CODE_GRACE_MS))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    keys: Number(keys.numDeletedRows),
    codes: Number(codes.numDeletedRows),
  };
}
