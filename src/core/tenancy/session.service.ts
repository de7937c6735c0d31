import type { Db, Trx } from '../../db/database.ts';
import { randomToken, sha256 } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';

/** How long a session lives and how long it may sit unused (config SESSION_HOURS, SESSION_IDLE_MINUTES). */
export interface SessionPolicy {
  sessionHours: number;
  sessionIdleMinutes: number;
}

/**
 * Staff tokens carry their own prefix: the auth hook tells API keys (`rk_`), member sessions
 * (`ms_`) and staff sessions apart by it, and a bare base64url token starts with one of the
 * others about once in 130,000 logins.
 */
export const STAFF_TOKEN_PREFIX = 'st_';

/** A session is written back as seen at most this often: one cheap UPDATE a minute, not one per request. */
export const TOUCH_EVERY_MS = 60_000;

export type StaffSession = NonNullable<Awaited<ReturnType<typeof findSession>>>;

export const tokenHash = (token: string): string => sha256(token);

/** Opens a session for a staff member who just proved their password; the token is returned once. */
export async function openSession(
  trx: Trx,
  staff: {
    merchant_id: string;
    id: string;
    failed_logins: number;
    last_failed_login_at: Date | null;
  },
  now: Date,
  policy: SessionPolicy,
): Promise<{ token: string; expiresAt: Date }> {
  const token = `${STAFF_TOKEN_PREFIX}${randomToken()}`;
  const expiresAt = new Date(now.getTime() + policy.sessionHours * 3_600_000);
  // Sessions that ended by age or idleness are deleted here, a few at a time, per staff member.
  await trx
    .deleteFrom('staff_session')
    .where('merchant_id', '=', staff.merchant_id)
    .where('staff_id', '=', staff.id)
    .where((eb) =>
      eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleCutoff(now, policy))]),
    )
    .execute();
  await trx
    .insertInto('staff_session')
    .values({
      token_hash: tokenHash(token),
      merchant_id: staff.merchant_id,
      staff_id: staff.id,
      expires_at: expiresAt,
      last_seen_at: now,
      failed_logins_before: staff.failed_logins,
      last_failed_login_at: staff.last_failed_login_at,
      created_at: now,
    })
    .execute();
  return { token, expiresAt };
}

const idleCutoff = (now: Date, policy: SessionPolicy) =>
  new Date(now.getTime() - policy.sessionIdleMinutes * 60_000);

/** The session and its active staff member, whatever its age: `isSessionLive` judges that. */
export async function findSession(db: Db, hash: string) {
  return db
    .selectFrom('staff_session as s')
    .innerJoin('staff', (join) =>
      join.onRef('staff.merchant_id', '=', 's.merchant_id').onRef('staff.id', '=', 's.staff_id'),
    )
    .select([
      's.token_hash',
      'staff.merchant_id',
      'staff.id',
      'staff.role',
      'staff.store_id',
      's.expires_at',
      's.last_seen_at',
      's.failed_logins_before',
      's.last_failed_login_at',
    ])
    .where('s.token_hash', '=', hash)
    .where('staff.active', '=', true)
    .executeTakeFirst();
}

export const isSessionLive = (session: StaffSession, now: Date, policy: SessionPolicy): boolean =>
  session.expires_at > now && session.last_seen_at > idleCutoff(now, policy);

/**
 * Slides the session's idle deadline. The condition re-checks idleness in the database, so a
 * session another instance saw as idle (or ended) is not revived; false = it has ended.
 */
export async function touchSession(
  db: Db,
  hash: string,
  now: Date,
  policy: SessionPolicy,
): Promise<boolean> {
  const touched = await db
    .updateTable('staff_session')
    .set({ last_seen_at: now })
    .where('token_hash', '=', hash)
    .where('last_seen_at', '>', idleCutoff(now, policy))
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return touched.numUpdatedRows > 0n;
}

export async function endSession(db: Db, hash: string): Promise<void> {
  await db.deleteFrom('staff_session').where('token_hash', '=', hash).execute();
}

/** Ends every session of a staff member (deactivated, or their password changed). */
export async function endStaffSessions(trx: Trx, ctx: Ctx, staffId: string): Promise<void> {
  await trx
    .deleteFrom('staff_session')
    .where('merchant_id', '=', ctx.merchantId)
    .where('staff_id', '=', staffId)
    .execute();
}
